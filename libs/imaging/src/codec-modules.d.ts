// Type declarations for the emscripten builds of OpenJPEG and CharLS (the packages ship none). The
// interfaces live inside the module blocks so that nothing leaks into the global scope.

declare module '@cornerstonejs/codec-openjpeg/wasmjs' {
  interface FrameInfo {
    width: number;
    height: number;
    bitsPerSample: number;
    componentCount: number;
    isSigned?: boolean;
    isUsingColorTransform?: boolean;
  }
  interface J2KDecoder {
    getEncodedBuffer(length: number): Uint8Array;
    getDecodedBuffer(): Uint8Array;
    decode(): void;
    getFrameInfo(): FrameInfo;
    delete(): void;
  }
  interface J2KEncoder {
    getDecodedBuffer(frameInfo: FrameInfo): Uint8Array;
    getEncodedBuffer(): Uint8Array;
    setDecompositions(levels: number): void;
    encode(): void;
    delete(): void;
  }
  const factory: (moduleArg?: object) => Promise<{
    J2KDecoder: new () => J2KDecoder;
    J2KEncoder: new () => J2KEncoder;
  }>;
  export default factory;
}

declare module '@cornerstonejs/codec-charls/wasmjs' {
  interface FrameInfo {
    width: number;
    height: number;
    bitsPerSample: number;
    componentCount: number;
  }
  interface JpegLSDecoder {
    getEncodedBuffer(length: number): Uint8Array;
    getDecodedBuffer(): Uint8Array;
    decode(): void;
    getFrameInfo(): FrameInfo;
    delete(): void;
  }
  interface JpegLSEncoder {
    getDecodedBuffer(frameInfo: FrameInfo): Uint8Array;
    getEncodedBuffer(): Uint8Array;
    setNearLossless(nearLossless: number): void;
    encode(): void;
    delete(): void;
  }
  const factory: (moduleArg?: object) => Promise<{
    JpegLSDecoder: new () => JpegLSDecoder;
    JpegLSEncoder: new () => JpegLSEncoder;
  }>;
  export default factory;
}
