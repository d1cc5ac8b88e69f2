/** Progress of feature extraction, for a progress bar with an ETA. */
export interface ExtractionProgress {
  /** Images finished (analysed, served from the cache, or failed). */
  readonly done: number;
  readonly total: number;
  /** Of `done`, served from the cache (or from an identical file earlier in the same run). */
  readonly cached: number;
  /** Of `done`, failed (decode errors and the like; the run goes on). */
  readonly failed: number;
  /** Seconds since the extraction started. */
  readonly elapsedS: number;
  /** Estimated seconds left: elapsedS · (total − done) / done; null before the first image is done. */
  readonly etaS: number | null;
}

/**
 * The ETA of a progress event: the mean time per finished image so far times the images left. (Weighting
 * the cached share separately gives the same number, as long as the images left are cached in the same
 * proportion as those done.)
 *
 * Returns seconds, 0 when done = total, null when done = 0.
 */
export function estimateEtaS(done: number, total: number, elapsedS: number): number | null {
  if (done <= 0) return null;
  return (elapsedS * Math.max(0, total - done)) / done;
}

/**
 * One line for a terminal: `[#########...........] 45/120 38% · 3 cached · 1 failed · 2.4 img/s · ETA 0:31`.
 *
 * Parameters
 * ----------
 * p : the progress event.
 * width : bar width in characters (default 24).
 */
export function formatProgress(p: ExtractionProgress, width = 24): string {
  const share = p.total > 0 ? p.done / p.total : 1;
  const filled = Math.round(share * width);
  const rate = p.elapsedS > 0 ? p.done / p.elapsedS : 0;
  const parts = [
    `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${p.done}/${p.total} ${Math.floor(share * 100)}%`,
    `${p.cached} cached`,
    `${p.failed} failed`,
    `${rate.toFixed(1)} img/s`,
    `ETA ${p.etaS === null ? '--:--' : formatDuration(p.etaS)}`,
  ];
  return parts.join(' · ');
}

/** Seconds as m:ss, or h:mm:ss from one hour on. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}
