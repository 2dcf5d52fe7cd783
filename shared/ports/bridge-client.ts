export interface GuidanceSessionRequest {
  readonly bridgeUserUuid: string;
  readonly countryCode: string;
  readonly companyIdentificationNumber: string;
  readonly language?: string;
  readonly contactEmail?: string;
  readonly contactPhoneNumber?: string;
}

/** What Bridge answers. `password` is a secret: it goes to the cipher and nowhere else. */
export interface BridgeGuidanceSession {
  readonly id: string;
  readonly url: string;
  readonly password: string;
}

/** Bridge's API. Throws PermanentFailure or TransientFailure after its own retries. */
export interface BridgeClient {
  createGuidanceSession(request: GuidanceSessionRequest): Promise<BridgeGuidanceSession>;
}
