import { type LevelNoiseModel, levelIndex } from './level-noise';
import { gridLevelAt, levelRow, type TileGrid } from './tile-grid';

/**
 * The background of the MC detection image, from two robust noise estimates: a tile grid (median and
 * MAD-sigma per tile, bilinear between tiles) and, optionally, a LevelNoiseModel (the same statistics
 * among pixels of similar local image level, the level read from a grid of block medians). A value is
 * as significant as the less favourable of the two says: thresholds are the larger of the two levels,
 * the CNR the smaller of the two scores. The tile grid follows slow changes across the breast; the
 * level model follows texture that is stronger in some tissue than in other, on a finer scale than
 * tiles can.
 */
export class DetectionNoise {
  /**
   * Parameters: `tiles` – TileGrid of the detection image; `levels` – TileGrid whose medians are the
   * local image level (or null); `model` – LevelNoiseModel over that level (or null; both or neither).
   */
  constructor(
    private readonly tiles: TileGrid,
    private readonly levels: TileGrid | null,
    private readonly model: LevelNoiseModel | null,
  ) {}

  /**
   * The detection value a pixel must reach to be `k` noise sigmas above its background.
   *
   * Parameters: `x`, `y` – pixel of the detection plane; `k` – number of sigmas.
   * Returns: max(tile median + k · tile sigma, level median + k · level sigma).
   */
  threshold(x: number, y: number, k: number): number {
    const tileLevel = gridLevelAt(this.tiles, x, y, k);
    if (this.levels === null || this.model === null) return tileLevel;
    const i = levelIndex(this.model, gridLevelAt(this.levels, x, y, 0));
    const modelLevel = this.model.median[i] + k * this.model.sigma[i];
    return Math.max(modelLevel, tileLevel);
  }

  /**
   * threshold() along a whole row, written into `out`.
   *
   * Parameters: `y` – the row; `width` – plane width; `k` – number of sigmas; `out` – destination
   * (length ≥ width); `scratch` – a second row buffer (length ≥ width) for the local levels.
   */
  thresholdRow(y: number, width: number, k: number, out: Float32Array, scratch: Float32Array): void {
    levelRow(this.tiles, y, width, k, out);
    const model = this.model;
    if (this.levels === null || model === null) return;
    levelRow(this.levels, y, width, 0, scratch);
    const { median, sigma } = model;
    for (let x = 0; x < width; x++) {
      const i = levelIndex(model, scratch[x]);
      const modelLevel = median[i] + k * sigma[i];
      if (modelLevel > out[x]) out[x] = modelLevel;
    }
  }

  /**
   * Contrast-to-noise ratio of a detection value: the smaller of its tile score and level score.
   *
   * Parameters: `x`, `y` – pixel; `value` – detection value there.
   * Returns: the CNR (+∞ when a sigma is 0).
   */
  cnr(x: number, y: number, value: number): number {
    const median = gridLevelAt(this.tiles, x, y, 0);
    const sigma = gridLevelAt(this.tiles, x, y, 1) - median;
    let score = sigma > 0 ? (value - median) / sigma : Number.POSITIVE_INFINITY;
    if (this.levels !== null && this.model !== null) {
      const i = levelIndex(this.model, gridLevelAt(this.levels, x, y, 0));
      const s = this.model.sigma[i];
      const levelScore = s > 0 ? (value - this.model.median[i]) / s : Number.POSITIVE_INFINITY;
      if (levelScore < score) score = levelScore;
    }
    return score;
  }
}
