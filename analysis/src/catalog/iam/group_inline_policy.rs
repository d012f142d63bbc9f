use crate::cloudformation::check::CfnContext;
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;
use crate::value::Value;

pub static RULE: Rule = Rule {
    id: "iam-group-inline-policy",
    title: "IAM group has an inline policy",
    severity: Severity::Low,
    row: Row::AccessRestriction,
    service: "IAM",
    why: "Inline policies cannot be reused, versioned or reviewed in one place, and they vanish with the group; \
          managed policies make a group's permissions auditable and let the same job function get the same rights \
          everywhere.",
    aws_side: "AWS supports both inline and managed policies; the choice, and reviewing what groups may do, is the \
               customer's.",
    equivalents: Equivalents { checkov: &[], kics: &["a58d1a2d-4078-4b80-855b-84cc3f7f4540"], trivy: &[] },
    related: Related::NONE,
    matcher: &Custom {
        what: "Flags inline group policies: `aws_iam_group_policy` resources, and `AWS::IAM::Group` resources with \
               a non-empty `Policies` list (`ManagedPolicyArns` are fine).",
        fix: "Write the policy as an `aws_iam_policy` (`AWS::IAM::ManagedPolicy`) and attach it to the group with \
              `aws_iam_group_policy_attachment` (`ManagedPolicyArns`).",
        has_fix: false,
        terraform: Some(TfMatcher {
            resource_types: &["aws_iam_group_policy"],
            check,
            example: r#"resource "aws_iam_group_policy" "developers" {
  group = aws_iam_group.developers.name
  policy = jsonencode({
    Statement = [{ Effect = "Allow", Action = "s3:GetObject", Resource = "arn:aws:s3:::app/*" }]
  })
}"#,
            fixed_example: r#"resource "aws_iam_policy" "developers" {
  policy = jsonencode({
    Statement = [{ Effect = "Allow", Action = "s3:GetObject", Resource = "arn:aws:s3:::app/*" }]
  })
}

resource "aws_iam_group_policy_attachment" "developers" {
  group      = aws_iam_group.developers.name
  policy_arn = aws_iam_policy.developers.arn
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::IAM::Group"],
            check: check_cfn,
            example: r#"Resources:
  Developers:
    Type: AWS::IAM::Group
    Properties:
      Policies:
        - PolicyName: read-app
          PolicyDocument:
            Statement:
              - {Effect: Allow, Action: s3:GetObject, Resource: arn:aws:s3:::app/*}
"#,
            fixed_example: r#"Resources:
  Developers:
    Type: AWS::IAM::Group
    Properties:
      ManagedPolicyArns: [!Ref ReadApp]
"#,
        }),
    },
};

const WHAT: &str = "gives a group an inline policy: use a managed policy attached to the group";

fn check(ctx: &mut TfContext) {
    for res in ctx.resources("aws_iam_group_policy").collect::<Vec<_>>() {
        let range = res.block.attr("policy").map_or(res.block.header, |a| a.range);
        ctx.report(res, range, format!("`{}` {WHAT}", res.address()));
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for group in ctx.resources("AWS::IAM::Group").collect::<Vec<_>>() {
        let Some((node, value)) = ctx.prop(group, "Policies") else { continue };
        let non_empty = match &value {
            Value::List(items) => !items.is_empty(),
            _ => false,
        };
        if non_empty {
            let range = ctx.prop_range(group, "Policies").unwrap_or(node.range);
            ctx.report(group, range, format!("`{}` has inline policies: use managed policies", group.logical_id));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{cfn_lines, lines};

    #[test]
    fn flags_inline_group_policies() {
        let tf = r#"resource "aws_iam_group_policy" "inline" {
  group  = "g"
  policy = var.policy
}
resource "aws_iam_group_policy_attachment" "managed" {
  group      = "g"
  policy_arn = "arn:aws:iam::aws:policy/ReadOnlyAccess"
}
"#;
        assert_eq!(lines(&RULE, tf), [3]);
    }

    #[test]
    fn cloudformation_groups_with_policies() {
        let yaml = r#"Resources:
  Inline:
    Type: AWS::IAM::Group
    Properties:
      Path: "/"
      Policies:
        - PolicyName: p
          PolicyDocument: {Statement: [{Effect: Allow, Action: "sqs:*", Resource: "*"}]}
  Empty:
    Type: AWS::IAM::Group
    Properties:
      Policies: []
  Bare:
    Type: AWS::IAM::Group
  Unknown:
    Type: AWS::IAM::Group
    Properties:
      Policies: !If [C, [], []]
"#;
        assert_eq!(cfn_lines(&RULE, yaml), [6]);
    }
}
