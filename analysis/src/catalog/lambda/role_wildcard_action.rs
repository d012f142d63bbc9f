use crate::cloudformation::check::CfnContext;
use crate::cloudformation::CfnResource;
use crate::kit::references::{cfn_mentions, tf_names};
use crate::policy::Policy;
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::{Resource, TfContext};

pub static RULE: Rule = Rule {
    id: "lambda-role-wildcard-action",
    title: "Lambda execution role allows every action (\"Action\": \"*\")",
    severity: Severity::High,
    row: Row::AccessRestriction,
    service: "Lambda",
    why: "Any code running in the function (a vulnerable dependency included) can do anything on the resources \
          listed, for as long as the function's credentials last.",
    aws_side: "Lambda hands the role's credentials to the function; what the role allows is the customer's \
               decision.",
    equivalents: Equivalents { checkov: &[], kics: &["a0ae0a4e-712b-4115-8112-51b9eeed9d69"], trivy: &[] },
    related: Related {
        checkov: &[],
        kics: &["1b3af2f9-af8c-4dfc-a0f1-a03adb70deb2"],
        trivy: &[],
        how: "KICS's Terraform Lambda Function With Privileged Role (1b3af2f9) fails a function whose role (declared \
              in the same configuration) has an inline `aws_iam_role_policy`, or an attached `aws_iam_policy` of the \
              configuration, allowing `*` or any one of its list of privilege-escalation actions, whatever the \
              resources (and a role attached to a policy ARN written `arn:aws:iam::policy/<name>`, for names of its \
              list: not the form AWS managed policies have); this rule flags only `*`, and reads `inline_policy` blocks and roles trusting \
              `lambda.amazonaws.com` too.",
    },
    matcher: &Custom {
        what: "Flags inline policies of Lambda execution roles (an `aws_iam_role` trusting `lambda.amazonaws.com` or \
               named by an `aws_lambda_function`: its `inline_policy` blocks and the `aws_iam_role_policy` attached \
               to it; in CloudFormation, `AWS::IAM::Role` `Policies`) with an `Allow` statement whose actions \
               include `*`.",
        fix: "List the actions the function needs (`dynamodb:GetItem`, `s3:PutObject`, ...) instead of `*`.",
        has_fix: false,
        terraform: Some(TfMatcher {
            resource_types: &["aws_iam_role", "aws_iam_role_policy"],
            check,
            example: r#"resource "aws_iam_role" "worker" {
  assume_role_policy = jsonencode({
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "lambda.amazonaws.com" } }]
  })

  inline_policy {
    name = "all"
    policy = jsonencode({
      Statement = [{ Effect = "Allow", Action = "*", Resource = "arn:aws:logs:*:*:*" }]
    })
  }
}"#,
            fixed_example: r#"resource "aws_iam_role" "worker" {
  assume_role_policy = jsonencode({
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "lambda.amazonaws.com" } }]
  })

  inline_policy {
    name = "logs"
    policy = jsonencode({
      Statement = [{ Effect = "Allow", Action = ["logs:CreateLogStream", "logs:PutLogEvents"], Resource = "arn:aws:logs:*:*:*" }]
    })
  }
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::IAM::Role"],
            check: check_cfn,
            example: r#"Resources:
  WorkerRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Principal: {Service: [lambda.amazonaws.com]}
            Action: [sts:AssumeRole]
      Policies:
        - PolicyName: all
          PolicyDocument:
            Statement:
              - Effect: Allow
                Action: ['*']
                Resource: arn:aws:logs:*:*:*
"#,
            fixed_example: r#"Resources:
  WorkerRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Principal: {Service: [lambda.amazonaws.com]}
            Action: [sts:AssumeRole]
      Policies:
        - PolicyName: logs
          PolicyDocument:
            Statement:
              - Effect: Allow
                Action: [logs:CreateLogStream, logs:PutLogEvents]
                Resource: arn:aws:logs:*:*:*
"#,
        }),
    },
};

fn allows_everything(policy: &Policy) -> bool {
    policy.statements.iter().any(|s| s.allows_action(|a| a == "*" || a == "*:*"))
}

fn trusts_lambda(policy: &Policy) -> bool {
    policy.statements.iter().any(|s| {
        s.allow
            && s.principals
                .iter()
                .any(|(ty, id)| ty.eq_ignore_ascii_case("Service") && id.eq_ignore_ascii_case("lambda.amazonaws.com"))
    })
}

/// Whether an `aws_iam_role` is a Lambda execution role.
fn execution_role(ctx: &TfContext, role: Resource) -> bool {
    let trusted =
        role.block.attr("assume_role_policy").and_then(|a| ctx.policy(&a.expr)).is_some_and(|p| trusts_lambda(&p));
    trusted
        || ctx
            .all_resources("aws_lambda_function")
            .any(|f| f.block.attr("role").is_some_and(|r| tf_names(&r.expr, role)))
}

fn check(ctx: &mut TfContext) {
    for res in ctx.resources("aws_iam_role").collect::<Vec<_>>() {
        if !execution_role(ctx, res) {
            continue;
        }
        for inline in ctx.nested(res.config(), "inline_policy") {
            let Some(field) = inline.attr("policy") else { continue };
            if ctx.policy(field.expr).is_some_and(|p| allows_everything(&p)) {
                let message = format!(
                    "`{}` is a Lambda execution role whose inline policy allows every action (`*`)",
                    res.address()
                );
                ctx.report(res, field.range, message);
            }
        }
    }
    for res in ctx.resources("aws_iam_role_policy").collect::<Vec<_>>() {
        let Some(role) = res.block.attr("role") else { continue };
        let roles: Vec<Resource> = ctx.all_resources("aws_iam_role").filter(|r| tf_names(&role.expr, *r)).collect();
        if !roles.iter().any(|r| execution_role(ctx, *r)) {
            continue;
        }
        let Some(attr) = res.block.attr("policy") else { continue };
        if ctx.policy(&attr.expr).is_some_and(|p| allows_everything(&p)) {
            let message = format!("`{}` gives a Lambda execution role every action (`*`)", res.address());
            ctx.report(res, attr.range, message);
        }
    }
}

fn cfn_execution_role(ctx: &CfnContext, role: CfnResource) -> bool {
    let trusted =
        ctx.prop(role, "AssumeRolePolicyDocument").and_then(|(n, _)| ctx.policy(n)).is_some_and(|p| trusts_lambda(&p));
    trusted
        || ctx
            .template
            .resources()
            .filter(|r| r.ty == "AWS::Lambda::Function" || r.ty == "AWS::Serverless::Function")
            .any(|f| ctx.prop(f, "Role").is_some_and(|(n, _)| cfn_mentions(n, role.logical_id)))
}

fn check_cfn(ctx: &mut CfnContext) {
    for res in ctx.resources("AWS::IAM::Role").collect::<Vec<_>>() {
        if !cfn_execution_role(ctx, res) {
            continue;
        }
        let Some((policies, _)) = ctx.prop(res, "Policies") else { continue };
        for item in policies.items() {
            let Some(entry) = item.entry("PolicyDocument") else { continue };
            if ctx.policy(&entry.value).is_some_and(|p| allows_everything(&p)) {
                let message = format!(
                    "`{}` is a Lambda execution role whose inline policy allows every action (`*`)",
                    res.logical_id
                );
                ctx.report(res, entry.range, message);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{cfn_lines, lines};

    #[test]
    fn execution_roles_allowing_everything() {
        let tf = r#"resource "aws_iam_role" "used" {
  inline_policy {
    policy = jsonencode({ Statement = [{ Effect = "Allow", Action = ["*"], Resource = "*" }] })
  }
}
resource "aws_lambda_function" "f" {
  role = aws_iam_role.used.arn
}
resource "aws_iam_role" "other" {
  inline_policy {
    policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "*", Resource = "*" }] })
  }
}
resource "aws_iam_role_policy" "p" {
  role   = aws_iam_role.used.id
  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "*", Resource = "*" }] })
}
resource "aws_iam_role_policy" "narrow" {
  role   = aws_iam_role.used.id
  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "s3:*", Resource = "*" }] })
}
"#;
        assert_eq!(lines(&RULE, tf), [3, 16]);
        let yaml = "Resources:\n  Role:\n    Type: AWS::IAM::Role\n    Properties:\n      Policies:\n        - PolicyName: root\n          PolicyDocument:\n            Statement:\n              - Effect: Allow\n                Action: ['*']\n                Resource: '*'\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n      Role: !GetAtt Role.Arn\n";
        assert_eq!(cfn_lines(&RULE, yaml), [7]);
    }
}
