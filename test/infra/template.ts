// Reading a synthesized CloudFormation template: which resources a value refers to, the IAM
// statements of a role, and a stand-in value for every intrinsic so an environment can be loaded.

export interface CfnResource {
  Type: string;
  Properties?: Record<string, unknown>;
  DeletionPolicy?: string;
  /** The template's condition under which the resource exists. */
  Condition?: string;
}
export interface CfnTemplate {
  Resources: Record<string, CfnResource>;
  Parameters?: Record<string, { Type: string; Default?: string; AllowedValues?: string[] }>;
  Conditions?: Record<string, unknown>;
  Outputs?: Record<string, unknown>;
}
export interface Statement {
  Effect: string;
  Action: string | string[];
  Resource?: unknown;
  Principal?: unknown;
  Condition?: unknown;
}

export const asArray = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

/** Logical ids (resources and parameters) a value refers to through Ref or Fn::GetAtt. */
export function refsIn(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(refsIn);
  if (typeof value !== 'object' || value === null) return [];
  const record = value as Record<string, unknown>;
  if (typeof record.Ref === 'string') return record.Ref.startsWith('AWS::') ? [] : [record.Ref];
  if (Array.isArray(record['Fn::GetAtt'])) return [String(record['Fn::GetAtt'][0])];
  return Object.values(record).flatMap(refsIn);
}

/** The literal text of a value, intrinsics left out: the "/u/*" of a joined ARN. */
export function literalOf(value: unknown): string {
  if (typeof value === 'string') return value;
  const join = (value as Record<string, unknown> | null)?.['Fn::Join'];
  if (Array.isArray(join))
    return asArray(join[1] as unknown[])
      .map(literalOf)
      .join('');
  return '';
}

export const getAtt = (id: string, attribute = 'Arn') => ({ 'Fn::GetAtt': [id, attribute] });

/** Every statement of every AWS::IAM::Policy attached to the role. */
export function statementsOf(template: CfnTemplate, roleId: string): Statement[] {
  return Object.values(template.Resources)
    .filter((resource) => resource.Type === 'AWS::IAM::Policy')
    .filter((policy) => refsIn(policy.Properties?.Roles).includes(roleId))
    .flatMap((policy) => {
      const document = policy.Properties?.PolicyDocument as { Statement: Statement[] };
      return asArray(document.Statement);
    });
}

/** The statements of each AWS::IAM::Policy attached to the role, with its condition (if any). */
export function policiesOf(
  template: CfnTemplate,
  roleId: string,
): { condition: string | undefined; statements: Statement[] }[] {
  return Object.values(template.Resources)
    .filter((resource) => resource.Type === 'AWS::IAM::Policy')
    .filter((policy) => refsIn(policy.Properties?.Roles).includes(roleId))
    .map((policy) => ({
      condition: policy.Condition,
      statements: asArray(
        (policy.Properties?.PolicyDocument as { Statement: Statement | Statement[] }).Statement,
      ),
    }));
}

/** Every statement of every identity policy in the template, inline or attached. */
export function allIdentityStatements(template: CfnTemplate): Statement[] {
  return Object.values(template.Resources).flatMap((resource) => {
    const properties = resource.Properties ?? {};
    if (resource.Type === 'AWS::IAM::Policy' || resource.Type === 'AWS::IAM::ManagedPolicy') {
      return asArray((properties.PolicyDocument as { Statement: Statement[] }).Statement);
    }
    if (resource.Type === 'AWS::IAM::Role') {
      const inline = asArray(
        properties.Policies as { PolicyDocument: { Statement: Statement[] } }[],
      );
      return inline.flatMap((policy) => asArray(policy.PolicyDocument.Statement));
    }
    return [];
  });
}

export const actionsOf = (statement: Statement): string[] => asArray(statement.Action);

/**
 * A plausible deployed value for an environment variable: a parameter's default, a pool id that
 * looks like one, a host name for an attribute. Enough for the configuration's validation.
 */
export function sampleValue(template: CfnTemplate, value: unknown): string {
  if (typeof value === 'string') return value;
  const record = value as Record<string, unknown>;
  if (typeof record.Ref === 'string') {
    const parameter = template.Parameters?.[record.Ref];
    if (parameter) return parameter.Default ?? '';
    const type = template.Resources[record.Ref]?.Type;
    if (type === 'AWS::Cognito::UserPool') return 'eu-west-1_AbCdEf123';
    return `sample-${record.Ref.toLowerCase()}`;
  }
  if (Array.isArray(record['Fn::GetAtt'])) {
    return `${String(record['Fn::GetAtt'][0]).toLowerCase()}.eu-west-1.example.com`;
  }
  const join = record['Fn::Join'];
  if (Array.isArray(join)) {
    const [separator, parts] = join as [string, unknown];
    // A list parameter (CommaDelimitedList) joins its default's items.
    const items = Array.isArray(parts) ? parts : sampleValue(template, parts).split(',');
    return items.map((part) => sampleValue(template, part)).join(separator);
  }
  throw new Error(`no sample for ${JSON.stringify(value)}`);
}
