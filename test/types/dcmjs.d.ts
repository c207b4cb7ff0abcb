/**
 * The part of dcmjs that tests use to read back the SEGs we write (dcmjs ships no types). A naturalised
 * dataset is DICOM JSON whose shape depends on the file, so it stays `any`, as the tests index into it freely.
 */
declare module 'dcmjs' {
  interface DicomDict {
    dict: Record<string, unknown>;
    meta: Record<string, unknown>;
  }
  const dcmjs: {
    data: {
      DicomMessage: { readFile(buffer: ArrayBufferLike): DicomDict };
      DicomMetaDictionary: { naturalizeDataset(dict: Record<string, unknown>): any };
    };
  };
  export default dcmjs;
}
