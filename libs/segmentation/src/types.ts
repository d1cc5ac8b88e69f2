import type { BBox, Point, Region } from '@calcscope/imaging';

/** One detected microcalcification: its pixels and a few detection-time measurements. */
export interface Microcalcification {
  readonly region: Region;
  /** Intensity-weighted centre, pixel coordinates. */
  readonly centroid: Point;
  /** Equivalent diameter 2·sqrt(area/π), mm. */
  readonly diameterMm: number;
  /** Local contrast-to-noise ratio at detection. */
  readonly cnr: number;
}

/** A group of at least `minCount` MCs (default 3) within about 1 cm² (see detectMicrocalcifications). */
export interface McCluster {
  readonly mcs: readonly Microcalcification[];
  readonly bbox: BBox;
  /** Mean of the member centroids, pixels. */
  readonly centroid: Point;
}

/** A segmented mass: its mask and its closed outer contour. */
export interface MassSegmentation {
  readonly region: Region;
  /** Closed outer boundary (first point not repeated), pixel coordinates of boundary pixels in order. */
  readonly contour: readonly Point[];
  readonly centroid: Point;
}
