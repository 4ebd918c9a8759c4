/**
 * @deprecated kept for other domains until the merge: the building blocks of the imports now live
 * in copy-encoders.ts, stage-load.ts, errors-file.ts, import-files.ts and import.sql.ts.
 */
export { CopyBinaryBuilder, CopyTextBuilder, copyText, type StageValue } from './copy-encoders.js';
export { ErrorsFileWriter, type RowProblem } from './errors-file.js';
export { hospitalIdsByCode as loadHospitalIds } from './import.sql.js';
export { checkErrorsFile, importFileSize } from './import-files.js';
export { loadStageRows, type StageBatch, type StageLoad, stageLoadFor } from './stage-load.js';
