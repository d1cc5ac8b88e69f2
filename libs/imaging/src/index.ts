export { decodeImage } from './decode';
export {
  DEFAULT_MAX_PIXELS,
  type DecodedImage,
  type DecodeOptions,
  type DicomIdentifiers,
  type ImageFormat,
  type ImageMeta,
  type IntensityNormalization,
  type SpacingSource,
  type VoiLutFunction,
  type VoiWindow,
} from './decoded-image';
export { decodeDicom } from './dicom-decode';
export {
  type CompressedDicomWriteOptions,
  DIGITAL_MAMMOGRAPHY_FOR_PRESENTATION,
  type DicomWriteOptions,
  encodeDicom,
  encodeDicomCompressed,
  SECONDARY_CAPTURE,
} from './dicom-encode';
export {
  ImageDecodeError,
  type ImageDecodeErrorCode,
  ImageEncodeError,
  type ImageEncodeErrorCode,
} from './errors';
export * from './image';
export { decodeRaster } from './raster-decode';
export { encodePng, encodeTiff, type RasterWriteOptions } from './raster-encode';
export { type SniffedFormat, sniffFormat } from './sniff';
export { lookupTransferSyntax, type TransferSyntax } from './transfer-syntax';
export { voiLinear, voiLinearExact, voiSigmoid } from './voi';
export { applyWindow, toUint8, toUint16 } from './window';
