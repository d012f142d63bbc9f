use crate::policy::{Policy, Statement};
use crate::responsibility::Row;
use crate::rule::{Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;
use crate::terraform::eval::UNKNOWN_PART;

pub static RULE: Rule = Rule {
    id: "iam-user-policy-without-mfa",
    title: "IAM user or group policy grants access without requiring MFA",
    severity: Severity::Medium,
    row: Row::UserBehaviour,
    service: "IAM",
    why: "A password or an access key is one stolen secret away from an attacker: phishing, a leaked \
          `~/.aws/credentials`, a key committed to Git. Requiring MFA in the policies of human users means that \
          the secret alone does not grant the permissions.",
    aws_side: "AWS supports virtual, hardware and passkey MFA devices and puts `aws:MultiFactorAuthPresent` in the \
               request context of sessions that used one. Registering devices and making policies depend on \
               them is the customer's duty: IAM grants a policy's permissions with or without MFA unless the \
               policy says otherwise.",
    equivalents: Equivalents { checkov: &[], kics: &["3ddfa124-6407-4845-a501-179f90c65097"], trivy: &[] },
    related: Related {
        checkov: &[],
        kics: &["b5681959-6c09-4f55-b42b-c40fa12d03ec"],
        trivy: &["AVD-AWS-0123", "aws-iam-enforce-group-mfa"],
        how: "Trivy's AVD-AWS-0123 judges each `aws_iam_group` as a whole: it passes when any statement of the \
              group's policies has an `aws:MultiFactorAuthPresent` condition, fails a group without policies, and \
              never looks at user policies. KICS's IAM User Policy Without MFA (b5681959) judges only statements \
              whose `Action` is exactly `sts:AssumeRole` with a root or `*` principal (or a user named like root), \
              and only user policies; this rule judges every allowed statement of user and group policies.",
    },
    matcher: &Custom {
        what:
            "Flags `aws_iam_user_policy` and `aws_iam_group_policy` policies with an `Allow` statement that does not \
             require MFA (`Bool`/`BoolIfExists` `aws:MultiFactorAuthPresent = true`, or an \
             `aws:MultiFactorAuthAge` limit), unless the policy denies requests made without MFA.",
        fix: "Add `\"Condition\": {\"Bool\": {\"aws:MultiFactorAuthPresent\": \"true\"}}` to the statements, or a \
              statement that denies everything except MFA self-management when \
              `BoolIfExists aws:MultiFactorAuthPresent = false`. Better still, give people roles through IAM Identity \
              Center, which requires MFA at sign-in.",
        has_fix: false,
        terraform: Some(TfMatcher {
            resource_types: &["aws_iam_user_policy", "aws_iam_group_policy"],
            check,
            example: r#"resource "aws_iam_user_policy" "dev" {
  user = aws_iam_user.dev.name
  policy = jsonencode({
    Statement = [{ Effect = "Allow", Action = "ec2:*", Resource = "*" }]
  })
}"#,
            fixed_example: r#"resource "aws_iam_user_policy" "dev" {
  user = aws_iam_user.dev.name
  policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Action    = "ec2:*"
      Resource  = "*"
      Condition = { Bool = { "aws:MultiFactorAuthPresent" = "true" } }
    }]
  })
}"#,
        }),
        cloudformation: None,
    },
};

const PRESENT: &str = "aws:multifactorauthpresent";
const AGE: &str = "aws:multifactorauthage";

/// The operator without its `ForAnyValue:` prefix and `IfExists` suffix.
fn base_operator(op: &str) -> &str {
    let op = op.rsplit(':').next().unwrap_or(op);
    op.strip_suffix("ifexists").unwrap_or(op)
}

/// Whether the statement's conditions require MFA (or cannot be read, so might).
fn requires_mfa(s: &Statement) -> bool {
    s.conditions.iter().any(|(op, key, values)| {
        let unknown_op = op.contains(UNKNOWN_PART);
        let op = base_operator(op);
        if key.contains(UNKNOWN_PART) {
            return true;
        }
        match key.as_str() {
            PRESENT => {
                unknown_op
                    || values.iter().any(|v| v == UNKNOWN_PART)
                    || (op == "bool" && values.iter().any(|v| v.eq_ignore_ascii_case("true")))
            }
            AGE => unknown_op || op.starts_with("numeric"),
            _ => false,
        }
    })
}

/// Whether a `Deny` statement refuses requests made without MFA.
fn denies_without_mfa(s: &Statement) -> bool {
    !s.allow
        && s.conditions.iter().any(|(op, key, values)| {
            let op = base_operator(op);
            (key == PRESENT && op == "bool" && values.iter().any(|v| v.eq_ignore_ascii_case("false")))
                || (key == AGE && op == "null" && values.iter().any(|v| v.eq_ignore_ascii_case("true")))
        })
}

/// The actions a user needs to set up MFA in the first place (AWS's "manage your own MFA device" example).
const MFA_BOOTSTRAP: [&str; 10] = [
    "iam:createvirtualmfadevice",
    "iam:enablemfadevice",
    "iam:resyncmfadevice",
    "iam:listmfadevices",
    "iam:listvirtualmfadevices",
    "iam:listusers",
    "iam:getuser",
    "iam:changepassword",
    "iam:getaccountpasswordpolicy",
    "sts:getsessiontoken",
];

fn only_mfa_bootstrap(s: &Statement) -> bool {
    !s.actions.is_empty() && s.actions.iter().all(|a| MFA_BOOTSTRAP.contains(&a.to_ascii_lowercase().as_str()))
}

fn check(ctx: &mut TfContext) {
    for ty in ["aws_iam_user_policy", "aws_iam_group_policy"] {
        for res in ctx.resources(ty).collect::<Vec<_>>() {
            let Some(attr) = res.block.attr("policy") else { continue };
            let Some(policy) = ctx.policy(&attr.expr) else { continue };
            if Policy::has_unreadable_condition(&ctx.module.scope.eval_lenient(&attr.expr))
                || policy.statements.iter().any(denies_without_mfa)
            {
                continue;
            }
            let Some(statement) =
                policy.statements.iter().find(|s| s.allow && !requires_mfa(s) && !only_mfa_bootstrap(s))
            else {
                continue;
            };
            let actions: Vec<String> =
                statement.actions.iter().filter(|a| *a != UNKNOWN_PART).take(3).map(|a| format!("`{a}`")).collect();
            let what = if actions.is_empty() { "access".to_string() } else { actions.join(", ") };
            ctx.report(
                res,
                attr.range,
                format!(
                    "`{}` allows {what} without requiring MFA (no `aws:MultiFactorAuthPresent` condition)",
                    res.address()
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{lines, run};

    fn user_policy(name: &str, json: &str) -> String {
        format!("resource \"aws_iam_user_policy\" \"{name}\" {{\n  user   = \"u\"\n  policy = <<EOF\n{json}\nEOF\n}}\n")
    }

    #[test]
    fn flags_allows_without_mfa() {
        let text = [
            user_policy("none", r#"{"Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}]}"#),
            user_policy(
                "false",
                r#"{"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "${aws_s3_bucket.b.arn}",
                    "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}}]}"#,
            ),
            r#"resource "aws_iam_group_policy" "group" {
  group  = "g"
  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "ec2:*", Resource = "*",
    Condition = { StringEquals = { "aws:RequestedRegion" = "eu-west-1" } } }] })
}
"#
            .to_string(),
        ]
        .concat();
        assert_eq!(lines(&RULE, &text), [3, 9, 16]);
        assert!(run(&RULE, &text)[0].message.contains("`sts:AssumeRole`"));
    }

    #[test]
    fn accepts_mfa_conditions_denies_and_bootstrap_statements() {
        let text = [
            user_policy(
                "bool",
                r#"{"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*",
                    "Condition": {"Bool": {"aws:MultiFactorAuthPresent": true}}}]}"#,
            ),
            // An unquoted interpolation outside a JSON string still parses.
            user_policy(
                "if_exists",
                r#"{"Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": ${aws_iam_user.u.arn},
                    "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "true"}}}]}"#,
            ),
            user_policy(
                "age",
                r#"{"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*",
                    "Condition": {"NumericLessThan": {"aws:MultiFactorAuthAge": "3600"}}}]}"#,
            ),
            user_policy(
                "deny",
                r#"{"Statement": [
                    {"Effect": "Allow", "Action": "ec2:*", "Resource": "*"},
                    {"Effect": "Deny", "NotAction": ["iam:EnableMFADevice"], "Resource": "*",
                     "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}}]}"#,
            ),
            user_policy(
                "bootstrap",
                r#"{"Statement": [{"Effect": "Allow", "Action": ["iam:CreateVirtualMFADevice", "iam:EnableMFADevice"],
                    "Resource": "*"}]}"#,
            ),
            user_policy("deny_only", r#"{"Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*"}]}"#),
        ]
        .concat();
        assert!(run(&RULE, &text).is_empty(), "{:?}", run(&RULE, &text));
    }

    #[test]
    fn does_not_fire_on_unknowns() {
        let text = r#"resource "aws_iam_user_policy" "var" {
  user   = "u"
  policy = var.policy
}
resource "aws_iam_user_policy" "condition" {
  user   = "u"
  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "s3:*", Resource = "*", Condition = var.c }] })
}
resource "aws_iam_user_policy" "value" {
  user   = "u"
  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "s3:*", Resource = "*",
    Condition = { Bool = { "aws:MultiFactorAuthPresent" = var.mfa } } }] })
}
"#;
        assert!(run(&RULE, text).is_empty(), "{:?}", run(&RULE, text));
    }

    #[test]
    fn reads_policy_documents() {
        let text = r#"data "aws_iam_policy_document" "mfa" {
  statement {
    actions   = ["s3:*"]
    resources = ["*"]
    condition {
      test     = "Bool"
      variable = "aws:MultiFactorAuthPresent"
      values   = ["true"]
    }
  }
}
data "aws_iam_policy_document" "plain" {
  statement {
    actions   = ["s3:*"]
    resources = ["*"]
  }
}
resource "aws_iam_user_policy" "mfa" {
  user   = "u"
  policy = data.aws_iam_policy_document.mfa.json
}
resource "aws_iam_user_policy" "plain" {
  user   = "u"
  policy = data.aws_iam_policy_document.plain.json
}
"#;
        assert_eq!(lines(&RULE, text), [24]);
    }
}
