/** Mean grey value over the labelled bodies (bone) and over everything else, of a phantom film. */
export function boneAndRestMeans(p: { image: ArrayLike<number>; labelMask: ArrayLike<number> }): { bone: number; rest: number } {
  let bone = 0;
  let boneN = 0;
  let rest = 0;
  let restN = 0;
  for (let i = 0; i < p.labelMask.length; i++) {
    if (p.labelMask[i]) {
      bone += p.image[i]!;
      boneN++;
    } else {
      rest += p.image[i]!;
      restN++;
    }
  }
  return { bone: bone / boneN, rest: rest / restN };
}
