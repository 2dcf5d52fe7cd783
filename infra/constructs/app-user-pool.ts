import { Aws, Duration, Stack, Token, type RemovalPolicy } from 'aws-cdk-lib';
import {
  AccountRecovery,
  type CfnUserPool,
  UserPoolEmail,
  type CfnUserPoolClient,
  FeaturePlan,
  Mfa,
  StandardThreatProtectionMode,
  UserPool,
  UserPoolClient,
} from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import type { JwtSettings } from '../config';
import type { UserPoolSes } from '../deployment-config';

export interface AppUserPoolProps {
  readonly removalPolicy: RemovalPolicy;
  readonly deletionProtection: boolean;
  /**
   * Send the pool's e-mails (invitations, codes) through SES. @default Cognito's own sender, limited
   * to 50 e-mails a day per account and region, from no-reply@verificationemail.com
   */
  readonly ses?: UserPoolSes;
}

/**
 * The apps' identity provider when the bank does not bring its own (no `jwtIssuer` in context).
 * Administrators create users (no self sign-up); strong passwords, TOTP MFA required, Plus
 * feature plan with threat protection enforced. The public app client (no secret) uses SRP.
 */
export class AppUserPool extends Construct {
  readonly userPool: UserPool;
  readonly client: UserPoolClient;
  /** What the JWT authorizer checks: the pool's issuer URL and the app client id. */
  readonly jwt: JwtSettings;

  constructor(scope: Construct, id: string, props: AppUserPoolProps) {
    super(scope, id);
    this.userPool = new UserPool(this, 'UserPool', {
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      mfa: Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      featurePlan: FeaturePlan.PLUS,
      standardThreatProtectionMode: StandardThreatProtectionMode.FULL_FUNCTION,
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      deletionProtection: props.deletionProtection,
      removalPolicy: props.removalPolicy,
      ...(props.ses ? { email: sesEmail(this, props.ses) } : {}),
    });
    if (props.ses?.identityArn !== undefined) {
      const cfn = this.userPool.node.defaultChild as CfnUserPool;
      cfn.addPropertyOverride('EmailConfiguration.SourceArn', props.ses.identityArn);
    }
    this.client = this.userPool.addClient('AppClient', {
      generateSecret: false,
      authFlows: { userSrp: true },
      disableOAuth: true,
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      accessTokenValidity: Duration.minutes(15),
      idTokenValidity: Duration.minutes(15),
      refreshTokenValidity: Duration.days(1),
    });
    this.jwt = {
      issuer: `https://cognito-idp.${Aws.REGION}.amazonaws.com/${this.userPool.userPoolId}`,
      audience: this.client.userPoolClientId,
    };
  }

  /**
   * Lets the reference web app (context `webApp`) sign in on this client with the authorization
   * code flow and PKCE: a Cognito domain serves the sign-in pages. The client stays public (no
   * secret, which a page could not keep): PKCE binds each code to the page that asked for it. The
   * apps' SRP sign-in is unchanged. Call `allowWebRedirect` with the app's URL afterwards.
   */
  addWebSignIn(domainPrefix: string): WebSignIn {
    const domain = this.userPool.addDomain('WebSignInDomain', { cognitoDomain: { domainPrefix } });
    const origin = domain.baseUrl();
    return { origin, authorizationEndpoint: `${origin}/oauth2/authorize`, tokenEndpoint: `${origin}/oauth2/token` };
  }

  /** `appUrl` becomes the only place a sign-in code may be sent back to (and where sign-out returns). */
  allowWebRedirect(appUrl: string): void {
    const client = this.client.node.defaultChild as CfnUserPoolClient;
    client.allowedOAuthFlowsUserPoolClient = true;
    client.allowedOAuthFlows = ['code'];
    client.allowedOAuthScopes = ['openid', 'email'];
    client.callbackUrLs = [appUrl];
    client.logoutUrLs = [appUrl];
    client.supportedIdentityProviders = ['COGNITO'];
  }
}

/** Where the web app sends a person to sign in, and where it exchanges the code for tokens. */
export interface WebSignIn {
  readonly origin: string;
  readonly authorizationEndpoint: string;
  readonly tokenEndpoint: string;
}

/** The SES sender; in a region-agnostic stack the identity is looked for in the region it is deployed to. */
function sesEmail(scope: Construct, ses: UserPoolSes): UserPoolEmail {
  const regionUnknown = Token.isUnresolved(Stack.of(scope).region);
  return UserPoolEmail.withSES({ fromEmail: ses.fromEmail, ...(regionUnknown ? { sesRegion: Aws.REGION } : {}) });
}
