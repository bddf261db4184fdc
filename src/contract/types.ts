// Named aliases of the generated contract types (schemas/generated/types.ts, from schemas/openapi.yaml).
import type { components } from '../../schemas/generated/types.js';

type Schemas = components['schemas'];
export type SelfSessionPlayerUpdateRequest = Schemas['SelfSessionPlayerUpdateRequest'];
export type SessionPlayerUpdateResponse = Schemas['SessionPlayerUpdateResponse'];
export type SessionResource = Schemas['Session'];
export type SessionPlayerResource = Schemas['SessionPlayer'];
export type CrossplayPreferences = Schemas['CrossplayPreferences'];
export type PlayerStatus = Schemas['SessionPlayerStatus'];
export type Platform = Schemas['Platform'];
export type Input = Schemas['Input'];
export type DeviceType = Schemas['DeviceType'];
export type CustomData = Schemas['CustomData'];
export type ValidationErrorItem = Schemas['ValidationError'];
export type SessionPermission = Schemas['IntraSessionPermissions'];
