/** How this library reads the pixel data of a transfer syntax. */
export type PixelEncoding = 'native' | 'deflated' | 'jpeg2000' | 'jpeg-ls' | 'unsupported';

export interface TransferSyntax {
  readonly uid: string;
  readonly name: string;
  readonly encoding: PixelEncoding;
}

export const IMPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2';
export const EXPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2.1';
export const DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2.1.99';
export const JPEG_LS_LOSSLESS = '1.2.840.10008.1.2.4.80';
export const JPEG_LS_NEAR_LOSSLESS = '1.2.840.10008.1.2.4.81';
export const JPEG_2000_LOSSLESS = '1.2.840.10008.1.2.4.90';
export const JPEG_2000 = '1.2.840.10008.1.2.4.91';

/** Names from DICOM PS3.6 Table A-1, so an error can say which syntax it refused. */
const TRANSFER_SYNTAXES: readonly TransferSyntax[] = [
  { uid: IMPLICIT_VR_LITTLE_ENDIAN, name: 'Implicit VR Little Endian', encoding: 'native' },
  { uid: EXPLICIT_VR_LITTLE_ENDIAN, name: 'Explicit VR Little Endian', encoding: 'native' },
  {
    uid: DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN,
    name: 'Deflated Explicit VR Little Endian',
    encoding: 'deflated',
  },
  { uid: '1.2.840.10008.1.2.2', name: 'Explicit VR Big Endian (retired)', encoding: 'unsupported' },
  { uid: '1.2.840.10008.1.2.4.50', name: 'JPEG Baseline (Process 1)', encoding: 'unsupported' },
  { uid: '1.2.840.10008.1.2.4.51', name: 'JPEG Extended (Process 2 & 4)', encoding: 'unsupported' },
  {
    uid: '1.2.840.10008.1.2.4.57',
    name: 'JPEG Lossless, Non-Hierarchical (Process 14)',
    encoding: 'unsupported',
  },
  {
    uid: '1.2.840.10008.1.2.4.70',
    name: 'JPEG Lossless, Non-Hierarchical, First-Order Prediction (Process 14 [Selection Value 1])',
    encoding: 'unsupported',
  },
  { uid: JPEG_LS_LOSSLESS, name: 'JPEG-LS Lossless Image Compression', encoding: 'jpeg-ls' },
  {
    uid: JPEG_LS_NEAR_LOSSLESS,
    name: 'JPEG-LS Lossy (Near-Lossless) Image Compression',
    encoding: 'jpeg-ls',
  },
  { uid: JPEG_2000_LOSSLESS, name: 'JPEG 2000 Image Compression (Lossless Only)', encoding: 'jpeg2000' },
  { uid: JPEG_2000, name: 'JPEG 2000 Image Compression', encoding: 'jpeg2000' },
  {
    uid: '1.2.840.10008.1.2.4.92',
    name: 'JPEG 2000 Part 2 Multi-component Image Compression (Lossless Only)',
    encoding: 'unsupported',
  },
  {
    uid: '1.2.840.10008.1.2.4.93',
    name: 'JPEG 2000 Part 2 Multi-component Image Compression',
    encoding: 'unsupported',
  },
  { uid: '1.2.840.10008.1.2.4.94', name: 'JPIP Referenced', encoding: 'unsupported' },
  { uid: '1.2.840.10008.1.2.4.95', name: 'JPIP Referenced Deflate', encoding: 'unsupported' },
  { uid: '1.2.840.10008.1.2.4.100', name: 'MPEG2 Main Profile / Main Level', encoding: 'unsupported' },
  { uid: '1.2.840.10008.1.2.4.101', name: 'MPEG2 Main Profile / High Level', encoding: 'unsupported' },
  {
    uid: '1.2.840.10008.1.2.4.102',
    name: 'MPEG-4 AVC/H.264 High Profile / Level 4.1',
    encoding: 'unsupported',
  },
  {
    uid: '1.2.840.10008.1.2.4.103',
    name: 'MPEG-4 AVC/H.264 BD-compatible High Profile / Level 4.1',
    encoding: 'unsupported',
  },
  { uid: '1.2.840.10008.1.2.4.110', name: 'JPEG XL Lossless', encoding: 'unsupported' },
  { uid: '1.2.840.10008.1.2.4.111', name: 'JPEG XL JPEG Recompression', encoding: 'unsupported' },
  { uid: '1.2.840.10008.1.2.4.112', name: 'JPEG XL', encoding: 'unsupported' },
  {
    uid: '1.2.840.10008.1.2.4.201',
    name: 'High-Throughput JPEG 2000 Image Compression (Lossless Only)',
    encoding: 'unsupported',
  },
  {
    uid: '1.2.840.10008.1.2.4.202',
    name: 'High-Throughput JPEG 2000 with RPCL Options Image Compression (Lossless Only)',
    encoding: 'unsupported',
  },
  {
    uid: '1.2.840.10008.1.2.4.203',
    name: 'High-Throughput JPEG 2000 Image Compression',
    encoding: 'unsupported',
  },
  { uid: '1.2.840.10008.1.2.5', name: 'RLE Lossless', encoding: 'unsupported' },
];

const BY_UID = new Map(TRANSFER_SYNTAXES.map((syntax) => [syntax.uid, syntax]));

/**
 * Looks up a transfer syntax UID.
 *
 * Parameters
 * ----------
 * uid : the value of (0002,0010), trailing NUL / space padding allowed.
 *
 * Returns the syntax with its PS3.6 name and how this library reads it; an unknown UID comes back as
 * `{ name: 'unknown transfer syntax', encoding: 'unsupported' }`.
 */
export function lookupTransferSyntax(uid: string): TransferSyntax {
  const clean = uid.replace(/[\0 ]+$/, '');
  return BY_UID.get(clean) ?? { uid: clean, name: 'unknown transfer syntax', encoding: 'unsupported' };
}
