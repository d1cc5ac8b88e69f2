/**
 * The `npm run texture` command as a function: GLCM (Haralick, IBSI) features of an image or of the
 * nonzero pixels of a mask image of the same size. Kept apart from the entry point so tests can run it.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import {
  averageGlcmFeatures,
  FeatureError,
  GLCM_DEFAULT_ANGLES,
  GLCM_DEFAULT_DISTANCE,
  GLCM_DEFAULT_LEVELS,
  GLCM_FEATURE_NAMES,
  type GlcmFeatures,
  glcmMatrix,
} from '@calcscope/features';
import { decodeImage, ImageDecodeError } from '@calcscope/imaging';

export const TEXTURE_USAGE =
  'usage: npm run texture -- IMAGE [--mask MASK] [--levels 32] [--distance 1] [--json]';

/** What the command printed and its exit status (0 ok, 2 usage or unreadable file, 3 undecodable image or bad mask). */
export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

interface TextureArgs {
  image: string;
  mask?: string;
  levels: number;
  distance: number;
  json: boolean;
}

/**
 * Runs the texture command.
 *
 * Parameters
 * ----------
 * argv : the arguments after the script name, e.g. ['scan.png', '--mask', 'roi.png', '--json'].
 *
 * Returns the exit status and the text for stdout and stderr; never throws for bad input.
 */
export async function textureCommand(argv: readonly string[]): Promise<CommandResult> {
  let args: TextureArgs;
  try {
    args = parseTextureArgs(argv);
  } catch (error) {
    return { code: 2, stdout: '', stderr: `${(error as Error).message}\n${TEXTURE_USAGE}\n` };
  }
  const bytes: Uint8Array[] = [];
  for (const file of [args.image, args.mask]) {
    if (file === undefined) continue;
    try {
      bytes.push(await readFile(file));
    } catch (error) {
      return {
        code: 2,
        stdout: '',
        stderr: `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? error}\n`,
      };
    }
  }
  try {
    const image = await decodeImage(bytes[0]);
    let mask: Uint8Array | null = null;
    if (args.mask !== undefined) {
      const maskImage = await decodeImage(bytes[1]);
      if (maskImage.width !== image.width || maskImage.height !== image.height) {
        return {
          code: 3,
          stdout: '',
          stderr: `mask ${args.mask} is ${maskImage.width} × ${maskImage.height} pixels, image ${args.image} is ${image.width} × ${image.height}: they must match\n`,
        };
      }
      mask = new Uint8Array(maskImage.data.length);
      for (let i = 0; i < mask.length; i++) mask[i] = maskImage.data[i] > 0 ? 1 : 0;
    }
    const options = { levels: args.levels, distance: args.distance };
    const matrices = glcmMatrix(image.data, mask, image.width, image.height, options);
    const features = averageGlcmFeatures(matrices);
    const report = {
      image: args.image,
      mask: args.mask ?? null,
      width: image.width,
      height: image.height,
      maskPixels: matrices.maskPixels,
      levels: args.levels,
      distance: args.distance,
      angles: [...GLCM_DEFAULT_ANGLES],
      symmetric: true,
      range: [...matrices.range],
      logBase: 'e',
      features,
    };
    return { code: 0, stdout: args.json ? `${JSON.stringify(report)}\n` : formatTable(report), stderr: '' };
  } catch (error) {
    if (error instanceof ImageDecodeError) {
      return { code: 3, stdout: '', stderr: `cannot decode: [${error.code}] ${error.message}\n` };
    }
    if (error instanceof FeatureError) {
      return { code: 3, stdout: '', stderr: `cannot compute the GLCM: [${error.code}] ${error.message}\n` };
    }
    throw error;
  }
}

function parseTextureArgs(argv: readonly string[]): TextureArgs {
  const { values, positionals } = parseArgs({
    args: [...argv],
    options: {
      mask: { type: 'string' },
      levels: { type: 'string', default: String(GLCM_DEFAULT_LEVELS) },
      distance: { type: 'string', default: String(GLCM_DEFAULT_DISTANCE) },
      json: { type: 'boolean', default: false },
    },
    allowPositionals: true,
  });
  if (positionals.length !== 1) throw new Error(`expected exactly one IMAGE, got ${positionals.length}`);
  return {
    image: positionals[0],
    mask: values.mask,
    levels: positiveInteger('--levels', values.levels ?? ''),
    distance: positiveInteger('--distance', values.distance ?? ''),
    json: values.json ?? false,
  };
}

function positiveInteger(flag: string, text: string): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(value) || value < 1) {
    throw new Error(`${flag} must be a positive integer, got '${text}'`);
  }
  return value;
}

const format = (v: number) => (Number.isInteger(v) ? String(v) : v.toPrecision(6));

function formatTable(report: {
  image: string;
  mask: string | null;
  width: number;
  height: number;
  maskPixels: number;
  levels: number;
  distance: number;
  range: number[];
  features: GlcmFeatures;
}): string {
  const width = Math.max(...GLCM_FEATURE_NAMES.map((name) => name.length));
  const lines = [
    `${report.image}: ${report.width} × ${report.height} px, ${report.mask ? `mask ${report.mask}` : 'whole image'}, ${report.maskPixels} pixels`,
    `GLCM: ${report.levels} levels over [${report.range.map(format).join(', ')}], distance ${report.distance}, angles 0/45/90/135 averaged, symmetric, natural log`,
    '',
    ...GLCM_FEATURE_NAMES.map((name) => `  ${name.padEnd(width)}  ${format(report.features[name])}`),
  ];
  return `${lines.join('\n')}\n`;
}
