// The user pool's PreSignUp trigger, a third export of the Lambda bundle. pixtag asks for no
// e-mail or phone number, so there is nothing to verify: without this, Cognito leaves every new
// account UNCONFIRMED and its sign-ins fail. Dependency-free on purpose: it runs on every sign-up
// and should cold-start in no time.
import type { PreSignUpTriggerEvent } from 'aws-lambda';

export async function preSignUp(event: PreSignUpTriggerEvent): Promise<PreSignUpTriggerEvent> {
  event.response.autoConfirmUser = true;
  return event;
}
