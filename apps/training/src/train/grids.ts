import { DEFAULT_SVM_CS, DEFAULT_SVM_GAMMAS } from '@calcscope/ml';

/**
 * The SAE search: every `hidden` × `noise` pair is cross-validated; inside each CV training run, early
 * stopping on a stratified validation fold of that run's rows (`validationFraction`, `patience`, at most
 * `finetuneEpochs`) finds the best fine-tuning epoch, and the final model trains for the median of those
 * epochs over the chosen candidate's folds.
 */
export interface SaeGrid {
  /** Candidate architectures (hidden layer widths). */
  readonly hidden: readonly (readonly number[])[];
  /** Candidate masking-noise fractions. */
  readonly noise: readonly number[];
  /** Pretraining epochs per layer (fixed). */
  readonly pretrainEpochs: number;
  /** Most fine-tuning epochs; early stopping usually ends sooner. */
  readonly finetuneEpochs: number;
  /** Fine-tuning epochs without a validation improvement before stopping. */
  readonly patience: number;
  readonly batchSize: number;
  /** Adam step size of pretraining and fine-tuning. */
  readonly learningRate: number;
  /** Share of each class a training run holds out for early stopping. */
  readonly validationFraction: number;
}

/** Candidate shrinkage of the LDA search: `ledoit-wolf` (analytic intensity) or a fixed λ ∈ [0, 1]. */
export type LdaShrinkageCandidate = 'ledoit-wolf' | number;

/** The hyperparameter candidates of every family. */
export interface TrainingGrids {
  readonly sae: SaeGrid;
  /** RBF SVM: box constraint C × kernel width γ (1 / standardized units²). */
  readonly svm: { readonly cs: readonly number[]; readonly gammas: readonly number[] };
  /** KNN: neighbour counts × weighting (false = uniform vote, true = 1/distance). */
  readonly knn: { readonly ks: readonly number[]; readonly weightings: readonly boolean[] };
  /** LDA: shrinkage of the pooled covariance towards a scaled identity. */
  readonly lda: { readonly shrinkages: readonly LdaShrinkageCandidate[] };
  /**
   * L1 logistic regression: λ over glmnet's default path, chosen by CV deviance; `1se` takes the largest λ
   * within one standard error of the minimum (sparser), `min` the minimum.
   */
  readonly logistic: { readonly rule: 'min' | '1se' };
}

/**
 * The grids of a real run. SAE: hidden ∈ {[100], [200, 200], [400, 400]} (the paper's CV chose [200, 200]
 * and [400, 400]) × noise ∈ {0.1, 0.3}, 50 pretraining epochs per layer, ≤ 200 fine-tuning epochs with
 * patience 20 on a 10 % validation fold, minibatch 100, Adam 1e-3: 6 candidates × 10 folds, about a minute
 * on 1,000 × 41 rows on the 2-core host. SVM: LIBSVM grid.py's coarse grid C ∈ 2^{−1,1,3,5,7},
 * γ ∈ 2^{−9,−7,−5,−3,−1}. KNN: k = 1…25, uniform and distance-weighted. LDA: Ledoit–Wolf and
 * λ ∈ {0, 0.01, 0.1, 0.3, 0.6, 0.9}. Logistic: the 1-SE rule.
 */
export const DEFAULT_GRIDS: TrainingGrids = {
  sae: {
    hidden: [[100], [200, 200], [400, 400]],
    noise: [0.1, 0.3],
    pretrainEpochs: 50,
    finetuneEpochs: 200,
    patience: 20,
    batchSize: 100,
    learningRate: 1e-3,
    validationFraction: 0.1,
  },
  svm: { cs: DEFAULT_SVM_CS, gammas: DEFAULT_SVM_GAMMAS },
  knn: { ks: Array.from({ length: 25 }, (_, i) => i + 1), weightings: [false, true] },
  lda: { shrinkages: ['ledoit-wolf', 0, 0.01, 0.1, 0.3, 0.6, 0.9] },
  logistic: { rule: '1se' },
};

/**
 * Tiny grids for tests and smoke runs on a few hundred rows: SAE hidden ∈ {[16], [16, 8]}, noise 0.2,
 * 5 pretraining and ≤ 60 fine-tuning epochs (patience 10, minibatch 25, Adam 0.01); SVM 2 × 2; KNN
 * k ∈ {1, 3, 5, 7, 9}; LDA and logistic as in `DEFAULT_GRIDS` (they are cheap).
 */
export const QUICK_GRIDS: TrainingGrids = {
  sae: {
    hidden: [[16], [16, 8]],
    noise: [0.2],
    pretrainEpochs: 5,
    finetuneEpochs: 60,
    patience: 10,
    batchSize: 25,
    learningRate: 0.01,
    validationFraction: 0.15,
  },
  svm: { cs: [2, 32], gammas: [2 ** -5, 2 ** -2] },
  knn: { ks: [1, 3, 5, 7, 9], weightings: [false, true] },
  lda: DEFAULT_GRIDS.lda,
  logistic: DEFAULT_GRIDS.logistic,
};
