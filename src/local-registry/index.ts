/** The local Confluent-compatible schema registry (Apicurio Registry from Maven Central). */
export { CCOMPAT_PATH, startLocalRegistry, type LocalRegistry, type LocalRegistryOptions } from './manager.js';
export { provisionRegistry, registryCacheDir, type ProvisionedRegistry } from './provision.js';
