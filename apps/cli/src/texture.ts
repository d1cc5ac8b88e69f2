/**
 * `npm run texture -- IMAGE [--mask MASK] [--levels 32] [--distance 1] [--json]`: GLCM (Haralick, IBSI)
 * features of an image (DICOM, PNG, TIFF), or of the nonzero pixels of MASK (an image of the same size).
 * A table by default; with --json one object {image, mask, width, height, maskPixels, levels, distance,
 * angles, symmetric, range, logBase, features}.
 */
import { textureCommand } from './texture-command';

textureCommand(process.argv.slice(2)).then(
  (result) => {
    process.stdout.write(result.stdout);
    process.stderr.write(result.stderr);
    process.exitCode = result.code;
  },
  (error) => {
    process.stderr.write(`texture failed: ${error instanceof Error ? error.stack : error}\n`);
    process.exitCode = 1;
  },
);
