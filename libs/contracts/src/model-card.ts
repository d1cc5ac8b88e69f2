/**
 * The model card: `card.json` beside every `model.onnx` in the model repository
 * (`models/<name>/<version>/`). Training writes it, inference verifies it before loading the model,
 * the gateway's registry shows it.
 */
export interface ModelCard {
  /** Repository model name, `<task>-<family>-<scenario>`, e.g. `malignancy-sae-combined`. */
  name: string;
  /** Triton version directory: a positive integer, as a string in paths. */
  version: number;
  /** Model family: 'sae' | 'svm' | 'knn' | 'lda' | 'logistic' | 'cnn' | 'ensemble' | ... */
  family: string;
  /** What it predicts: 'malignancy' (column 1 = malignant) or 'dcis-idc' (column 1 = IDC). */
  task: string;
  /** Feature set: 'mc' (15), 'mass' (26), 'combined' (41), 'table' (user table) or 'roi' (image models). */
  scenario: string;
  inputs: TensorSignature[];
  outputs: TensorSignature[];
  /** FEATURE_SCHEMA_HASH of @calcscope/features, or the hash of a user table's header for 'table'. */
  featureSchemaHash: string;
  /** Ordered feature names the `features` input expects (empty for image models). */
  featureNames: string[];
  /** sha256 (hex) of the model.onnx file in this version directory. */
  onnxSha256: string;
  trainingData: {
    /** sha256 of the canonical training table (or image list). */
    sha256: string;
    rows: number;
    positives: number;
    source: string;
  };
  hyperparameters: Record<string, unknown>;
  metrics: ModelMetrics;
  /** Pre-processing the caller must apply, in words (image models: ROI size and normalisation). */
  preprocessing?: string;
  createdAt: string;
  /** Git commit of the code that trained it ('unknown' outside a checkout). */
  codeCommit: string;
  /** The run that produced it (reports/<runId>/). */
  runId: string;
}

export interface TensorSignature {
  name: string;
  datatype: 'FP32' | 'INT64' | 'INT32' | 'UINT8';
  /** -1 for a dynamic axis. */
  shape: number[];
}

export interface ModelMetrics {
  test: {
    accuracy: number;
    sensitivity: number;
    specificity: number;
    auc: number;
    aucCi95: [number, number];
    n: number;
  };
  cv: { folds: number; accuracyMean: number; accuracyStd: number };
  /** Anything model-specific (external validation, per-class counts, ...). */
  extra?: Record<string, unknown>;
}
