// G.711 µ-law, the audio of Twilio media streams: 8 kHz, 8-bit, 160 bytes per 20 ms frame.

export const SAMPLE_RATE = 8000;
export const FRAME_BYTES = 160;

const BIAS = 0x84;
const CLIP = 32635;

export function linearToMulaw(value: number): number {
  let sample = Math.max(-32768, Math.min(32767, Math.round(value)));
  const sign = sample < 0 ? 0x80 : 0;
  if (sign) sample = -sample;
  sample = Math.min(sample, CLIP) + BIAS;
  let exponent = 7;
  for (let mask = 0x4000; (sample & mask) === 0 && exponent > 0; mask >>= 1) exponent--;
  const mantissa = (sample >> (exponent + 3)) & 0x0f;
  return ~(sign | (exponent << 4) | mantissa) & 0xff;
}

export function mulawToLinear(byte: number): number {
  const value = ~byte & 0xff;
  const exponent = (value >> 4) & 0x07;
  const magnitude = ((((value & 0x0f) << 3) + BIAS) << exponent) - BIAS;
  return value & 0x80 ? -magnitude : magnitude;
}

const toBase64 = (bytes: Uint8Array) => {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
};

export const fromBase64 = (text: string) => Uint8Array.from(atob(text), (char) => char.charCodeAt(0));

/** `frames` 20 ms frames of a sine wave, µ-law encoded and base64'd as a media payload. */
export function sineFrames(frames: number, frequency = 440, amplitude = 8000, phase = 0): string[] {
  return Array.from({ length: frames }, (_, frame) => {
    const bytes = new Uint8Array(FRAME_BYTES);
    for (let i = 0; i < FRAME_BYTES; i++) {
      const t = (frame * FRAME_BYTES + i) / SAMPLE_RATE;
      bytes[i] = linearToMulaw(amplitude * Math.sin(2 * Math.PI * frequency * t + phase));
    }
    return toBase64(bytes);
  });
}

/** A 20 ms frame of silence. */
export const silentFrame = () => toBase64(new Uint8Array(FRAME_BYTES).fill(linearToMulaw(0)));

/** The loudest sample of a frame, to tell speech from silence. */
export function peakOf(payload: string): number {
  let peak = 0;
  for (const byte of fromBase64(payload)) peak = Math.max(peak, Math.abs(mulawToLinear(byte)));
  return peak;
}
