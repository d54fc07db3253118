/** The contract's password policy as Cognito states it: at least 8 characters, no classes. */
export const CONTRACT_PASSWORD_POLICY = {
  MinimumLength: 8,
  RequireLowercase: false,
  RequireUppercase: false,
  RequireNumbers: false,
  RequireSymbols: false,
};
