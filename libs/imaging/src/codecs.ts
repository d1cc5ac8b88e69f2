import charlsFactory from '@cornerstonejs/codec-charls/wasmjs';
import openJpegFactory from '@cornerstonejs/codec-openjpeg/wasmjs';
import { ImageDecodeError, ImageEncodeError } from './errors';

/** A frame decoded by a wasm codec, copied out of wasm memory. */
export interface CodecFrame {
  readonly width: number;
  readonly height: number;
  readonly bitsPerSample: number;
  readonly componentCount: number;
  /** Samples, right-aligned: Uint8Array when bitsPerSample <= 8, else Uint16Array (two's complement if signed). */
  readonly samples: Uint8Array | Uint16Array;
}

export type CodecName = 'jpeg2000' | 'jpeg-ls';

type OpenJpegModule = Awaited<ReturnType<typeof openJpegFactory>>;
type CharlsModule = Awaited<ReturnType<typeof charlsFactory>>;

let openJpeg: Promise<OpenJpegModule> | undefined;
let charls: Promise<CharlsModule> | undefined;

/**
 * What the codecs printed during the current call. OpenJPEG logs [INFO] lines to stdout on every decode;
 * they are kept here instead (bounded) and quoted in error messages.
 */
const codecMessages: string[] = [];
const MAX_CODEC_MESSAGES = 20;

function collectCodecMessage(line: string): void {
  if (codecMessages.length >= MAX_CODEC_MESSAGES) codecMessages.shift();
  codecMessages.push(String(line));
}

/** Emscripten options; a fresh object per module, because emscripten turns it into the module itself. */
function codecModuleOptions(): object {
  return { print: collectCodecMessage, printErr: collectCodecMessage };
}

/** The OpenJPEG wasm module, instantiated once (a failed load is retried on the next call). */
function loadOpenJpeg(): Promise<OpenJpegModule> {
  openJpeg ??= openJpegFactory(codecModuleOptions()).catch((error: unknown) => {
    openJpeg = undefined;
    throw error;
  });
  return openJpeg;
}

/** The CharLS wasm module, instantiated once (a failed load is retried on the next call). */
function loadCharls(): Promise<CharlsModule> {
  charls ??= charlsFactory(codecModuleOptions()).catch((error: unknown) => {
    charls = undefined;
    throw error;
  });
  return charls;
}

/**
 * Decodes one JPEG 2000 codestream or JPEG-LS bitstream.
 *
 * Parameters
 * ----------
 * codec : 'jpeg2000' (OpenJPEG) or 'jpeg-ls' (CharLS).
 * encoded : the complete compressed frame.
 *
 * Returns the decoded samples with the codec's frame info. The sample buffer's size is checked against
 * the frame info, so a short decoder output never passes as pixels.
 *
 * Raises ImageDecodeError CORRUPT when the codec rejects the stream or returns an inconsistent buffer.
 */
export async function decodeCodecFrame(codec: CodecName, encoded: Uint8Array): Promise<CodecFrame> {
  const decoder =
    codec === 'jpeg2000' ? new (await loadOpenJpeg()).J2KDecoder() : new (await loadCharls()).JpegLSDecoder();
  codecMessages.length = 0;
  try {
    decoder.getEncodedBuffer(encoded.length).set(encoded);
    try {
      decoder.decode();
    } catch (error) {
      const reason = `${describeWasmError(error)}${quotedCodecMessages()}`;
      throw new ImageDecodeError('CORRUPT', `${codec} decoder rejected the frame (${reason})`, {
        cause: error,
      });
    }
    const info = decoder.getFrameInfo();
    const decoded = decoder.getDecodedBuffer();
    const bytesPerSample = info.bitsPerSample <= 8 ? 1 : 2;
    const expected = info.width * info.height * info.componentCount * bytesPerSample;
    if (decoded.length !== expected || expected === 0) {
      throw new ImageDecodeError(
        'CORRUPT',
        `${codec} decoder returned ${decoded.length} bytes for a ${info.width}×${info.height}×${info.componentCount} frame of ${info.bitsPerSample}-bit samples (${expected} expected)${quotedCodecMessages()}`,
      );
    }
    // Copy out: the view points into wasm memory that decoder.delete() frees.
    const copy = new Uint8Array(decoded);
    return {
      width: info.width,
      height: info.height,
      bitsPerSample: info.bitsPerSample,
      componentCount: info.componentCount,
      samples: bytesPerSample === 1 ? copy : new Uint16Array(copy.buffer, 0, copy.length / 2),
    };
  } finally {
    decoder.delete();
  }
}

/**
 * Losslessly compresses one grayscale frame, for writing encapsulated DICOM.
 *
 * Parameters
 * ----------
 * codec : 'jpeg2000' (reversible 5/3 wavelet, OpenJPEG) or 'jpeg-ls' (lossless, CharLS).
 * samples : row-major samples (Uint8Array for bitsPerSample <= 8, else Uint16Array; two's complement
 *   bit patterns when `signed`).
 * width, height : frame size in pixels.
 * bitsPerSample : significant bits, 2..16.
 * signed : JPEG 2000 only; JPEG-LS stores unsigned samples.
 *
 * Returns the codestream (J2K, starting FF4F) or bitstream (JPEG-LS, starting FFD8).
 *
 * Raises ImageEncodeError ENCODER_FAILED when the codec fails.
 */
export async function encodeCodecFrame(
  codec: CodecName,
  samples: Uint8Array | Uint16Array,
  width: number,
  height: number,
  bitsPerSample: number,
  signed: boolean,
): Promise<Uint8Array> {
  const encoder =
    codec === 'jpeg2000' ? new (await loadOpenJpeg()).J2KEncoder() : new (await loadCharls()).JpegLSEncoder();
  try {
    if ('setDecompositions' in encoder) {
      // OpenJPEG refuses more resolution levels than the smallest side allows (2^levels <= side).
      encoder.setDecompositions(Math.max(0, Math.min(5, Math.floor(Math.log2(Math.min(width, height))))));
    }
    const frameInfo = {
      width,
      height,
      bitsPerSample,
      componentCount: 1,
      isSigned: signed,
      isUsingColorTransform: false,
    };
    encoder
      .getDecodedBuffer(frameInfo)
      .set(new Uint8Array(samples.buffer, samples.byteOffset, samples.byteLength));
    encoder.encode();
    return new Uint8Array(encoder.getEncodedBuffer());
  } catch (error) {
    throw new ImageEncodeError('ENCODER_FAILED', `${codec} encoder failed (${describeWasmError(error)})`, {
      cause: error,
    });
  } finally {
    encoder.delete();
  }
}

/** The codec's log lines of the current call, for an error message ('' when it printed nothing). */
function quotedCodecMessages(): string {
  return codecMessages.length === 0 ? '' : `; codec said: ${codecMessages.join(' | ')}`;
}

/** Emscripten throws raw numbers (exception pointers) or strings; make a readable message of either. */
function describeWasmError(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'number') return `wasm exception ${error}`;
  return String(error);
}
