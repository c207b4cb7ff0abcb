import { createHash } from 'node:crypto';
import pino, { type DestinationStream, type Logger } from 'pino';

export type { Logger } from 'pino';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * Fields that can identify a patient (DICOM tag keywords and their camelCase forms). Their values
 * are replaced wherever they appear, up to two levels deep, so a stray `log.info({ tags })`
 * cannot leak them.
 */
export const PATIENT_FIELDS = [
  'patientName',
  'PatientName',
  'patientId',
  'patientID',
  'PatientID',
  'otherPatientIds',
  'OtherPatientIDs',
  'birthDate',
  'patientBirthDate',
  'PatientBirthDate',
  'patientAddress',
  'PatientAddress',
  'accession',
  'accessionNumber',
  'AccessionNumber',
  'institutionName',
  'InstitutionName',
  'referringPhysicianName',
  'ReferringPhysicianName',
  'studyInstanceUid',
  'StudyInstanceUID',
  'seriesInstanceUid',
  'SeriesInstanceUID',
  'sopInstanceUid',
  'SOPInstanceUID',
] as const;

export const REDACTED = '[redacted]';

const REDACT_PATHS = PATIENT_FIELDS.flatMap((field) => [field, `*.${field}`, `*.*.${field}`]);

/**
 * The service's JSON-lines logger: `service` on every line, ISO time, level names, patient fields
 * redacted. `destination` defaults to stdout (tests pass a stream).
 */
export function createLogger(service: string, level: LogLevel = 'info', destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACT_PATHS, censor: REDACTED },
    },
    // Synchronous stdout: a crashing worker still writes its last lines.
    destination ?? pino.destination({ dest: 1, sync: true }),
  );
}

/**
 * A stable, non-identifying name for an image in logs and metrics: its URI may hold a patient's
 * name or a hospital's folder layout, so it is hashed. The same URI always gives the same ref.
 */
export function imageRef(uri: string): string {
  return `img-${createHash('sha256').update(uri, 'utf8').digest('hex').slice(0, 12)}`;
}
