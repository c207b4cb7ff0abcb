/**
 * An sRGB colour ('#rrggbb') as DICOM's Recommended Display CIELab Value: PCS-Lab under D50
 * (PS3.3 C.10.7.1.1), L* 0..100 and a*, b* -128..127 each scaled to 0..65535.
 */
export function srgbToDicomLab(hex: string): [number, number, number] {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!m) throw new Error(`colour ${hex} is not #rrggbb`);
  const [r, g, b] = [m[1]!, m[2]!, m[3]!].map((h) => linear(parseInt(h, 16) / 255)) as [number, number, number];
  // sRGB → XYZ, Bradford-adapted to the D50 white of the ICC profile connection space.
  const x = 0.4360747 * r + 0.3850649 * g + 0.1430804 * b;
  const y = 0.2225045 * r + 0.7168786 * g + 0.0606169 * b;
  const z = 0.0139322 * r + 0.0971045 * g + 0.7141733 * b;
  const fx = f(x / 0.96422);
  const fy = f(y);
  const fz = f(z / 0.82521);
  const L = 116 * fy - 16;
  const A = 500 * (fx - fy);
  const B = 200 * (fy - fz);
  return [scale(L, 0, 100), scale(A, -128, 127), scale(B, -128, 127)];
}

function linear(c: number): number {
  return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
}

function f(t: number): number {
  return t > 216 / 24389 ? Math.cbrt(t) : ((24389 / 27) * t + 16) / 116;
}

function scale(v: number, lo: number, hi: number): number {
  return Math.max(0, Math.min(65535, Math.round(((v - lo) / (hi - lo)) * 65535)));
}
