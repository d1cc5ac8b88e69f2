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

/**
 * Where the breast is: a full-resolution mask of the tissue that detections may come from, with the
 * skin-line band and (where one was found) the pectoral muscle left out.
 */
export interface BreastMask {
  readonly width: number;
  readonly height: number;
  /** Row-major, 1 inside the usable breast, 0 outside (air, skin band, pectoral muscle). */
  readonly mask: Uint8Array;
  /** Bounding box of the set pixels (all zeros when the mask is empty). */
  readonly bbox: BBox;
  /** Usable breast area, mm². */
  readonly areaMm2: number;
  /** False when no background air was found (a cropped or synthetic image): the whole image is breast. */
  readonly airFound: boolean;
  /** Image side the breast is attached to (the chest wall), when it could be told. */
  readonly chestWallSide: 'left' | 'right' | null;
  /**
   * The pectoral muscle's edge as a straight line from where it leaves the top of the image to where
   * it meets the chest-wall side, pixel coordinates; null when no pectoral muscle was found.
   */
  readonly pectoralEdge: { readonly top: Point; readonly chestWall: Point } | null;
}
