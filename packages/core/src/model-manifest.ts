import { z } from 'zod';

/**
 * The manifest beside every `model.onnx`: the single source of a model's input size,
 * normalisation, classes and provenance. Training writes it; the inference engine reads it.
 */
export const ModelManifestSchema = z.object({
  name: z.string().min(1),
  version: z.string().min(1),
  task: z.enum(['foreground-segmentation', 'instance-segmentation']),
  /** Weights file, relative to the manifest's folder. */
  file: z.string().min(1).default('model.onnx'),
  sha256: z.string().regex(/^[0-9a-f]{64}$/, 'sha256 must be 64 lowercase hex digits'),
  input: z.object({
    name: z.string().min(1),
    /** Square side in pixels; the image is letterboxed into it (scaled so its long side fits, anchored top-left, zero padding). */
    size: z.number().int().positive(),
    channels: z.literal(1),
    /** tensor = (pixel / 255 - mean) / std, pixel being the 8-bit canonical image. */
    mean: z.number(),
    std: z.number().positive(),
    /** Whether the first dimension is a free batch dimension. */
    dynamicBatch: z.boolean(),
  }),
  /** ONNX output names by role, e.g. { foreground: 'foreground' } or { boxes, labels, scores, masks }. */
  outputs: z.record(z.string(), z.string()),
  /** Class names by model class index (index 0 = background for instance segmentation). */
  classes: z.array(z.string()).min(1),
  /** With an output `view` (a U-Net that also classifies the view): its probabilities, in this order. */
  viewClasses: z
    .array(z.enum(['cervical', 'lumbar']))
    .length(2)
    .refine((v) => new Set(v).size === v.length, 'viewClasses must name each view once')
    .optional(),
  /** With an output `scope` (a U-Net that also tells lateral spine films from everything else): its probabilities, in this order. */
  scopeClasses: z
    .array(z.enum(['lateral', 'other']))
    .length(2)
    .refine((v) => new Set(v).size === v.length, 'scopeClasses must name each class once')
    .optional(),
  /** With an output `facing` (a U-Net that also tells which way the patient faces): its probabilities, in this order. */
  facingClasses: z
    .array(z.enum(['left', 'right']))
    .length(2)
    .refine((v) => new Set(v).size === v.length, 'facingClasses must name each side once')
    .optional(),
  /** The graph averages its heads over the frame and its mirror (test-time mirroring; informational). */
  testTimeMirror: z.boolean().optional(),
  /**
   * The pipeline also runs the model on the film mirrored left-right and combines both answers
   * (the U-Net's foreground averaged, the Mask R-CNN's detections merged), so that a mirrored film
   * gets exactly the mirrored outputs. One more pass per image.
   */
  mirrorPass: z.boolean().optional(),
  /**
   * Coarse to fine: on a film where what the model finds spans a small part of the field (a head
   * film), the pipeline runs it again on a window around that, half the film's size, and returns
   * the answer on a frame of the film twice as fine. One more pass (two with `mirrorPass`) on such films only.
   */
  regionPass: z.boolean().optional(),
  /**
   * A film stored bone-dark: where the model's first answer is weak (few bodies; for detections also
   * a low mean score), the pipeline runs it again on the film inverted and keeps that answer where it
   * is clearly stronger. One more pass (two with `mirrorPass`) on such films only.
   */
  polarityPass: z.boolean().optional(),
  /** With an output `level` (a U-Net that also places levels): the level offset of each of its channels. */
  levelOffsets: z
    .array(z.number().int())
    .min(1)
    .refine((v) => new Set(v).size === v.length, 'levelOffsets must name each offset once')
    .optional(),
  training: z.object({
    data: z.string(),
    synthetic: z.boolean(),
    config: z.record(z.string(), z.unknown()).optional(),
    framework: z.string().optional(),
    date: z.string().optional(),
  }),
  metrics: z.record(z.string(), z.unknown()).default({}),
});

export type ModelManifest = z.infer<typeof ModelManifestSchema>;

/** What every result records about each model it used. */
export interface ModelProvenance {
  name: string;
  version: string;
  sha256: string;
}
