// `npm run keys:generate [current value]`: prints a JWT_SIGNING_KEYS value with a new Ed25519 key first.
// Keep the previous keys after it until the tokens they signed have expired (15 minutes), then drop them.
import { newSigningKey } from "./lib/signing-keys.ts";

const previous = process.argv[2] ? (JSON.parse(process.argv[2]) as unknown[]) : [];
console.log(JSON.stringify([await newSigningKey(), ...previous]));
