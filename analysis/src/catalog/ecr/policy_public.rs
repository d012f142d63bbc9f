use crate::cloudformation::check::CfnContext;
use crate::kit::resource_policy::{check_cfn_policy_prop, check_policy_attr};
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;

pub static RULE: Rule = Rule {
    id: "ecr-policy-public",
    title: "ECR repository policy allows any principal",
    severity: Severity::Critical,
    row: Row::AccessRestriction,
    service: "ECR",
    why: "A private repository policy open to every principal lets any AWS account pull the images (leaking code, \
          embedded configuration and secrets) and, with push or delete actions, replace or remove them: a direct \
          supply-chain compromise of everything that deploys from the repository.",
    aws_side: "AWS enforces the repository policy as written. Choosing who may pull and push is the customer's \
               duty; images meant for the public belong in ECR Public, not in a private repository opened to \
               `*`.",
    equivalents: Equivalents { checkov: &[], kics: &["e86e26fc-489e-44f0-9bcd-97305e4ba69a"], trivy: &[] },
    related: Related {
        checkov: &["CKV_AWS_32"],
        kics: &["75be209d-1948-41f6-a8c8-e22dd0121134"],
        trivy: &["AVD-AWS-0032", "aws-ecr-no-public-access"],
        how: "Checkov's CKV_AWS_32 passes a `*` principal narrowed by any source condition (`aws:SourceArn`, \
              `aws:SourceIp`, `aws:SourceVpc`, `aws:SourceVpce`, `aws:userid`; in CloudFormation only \
              `aws:PrincipalOrgID`), where this rule passes only conditions that pin the caller, and not \
              `aws:SourceIp`. Trivy's AVD-AWS-0032 honours no condition, so it fails an organisation-restricted \
              statement, and needs an `ecr:` action, so it misses `Action \"*\"`. KICS's CloudFormation ECR \
              Repository Is Publicly Accessible (75be209d) fails a string principal containing `*` whatever its \
              conditions, and misses `{AWS: '*'}`.",
    },
    matcher: &Custom {
        what: "Flags `aws_ecr_repository_policy` policies (and the `repository_policy` input of \
               `terraform-aws-modules/ecr`) with an `Allow` statement whose principal is `\"*\"` or `{\"AWS\": \
               \"*\"}`, unless a condition pins the caller to known principals (fixed values of `aws:PrincipalOrgID`, \
               `aws:PrincipalAccount`, `aws:PrincipalArn`, `aws:SourceAccount`, an `aws:SourceArn` naming its account, \
               `aws:SourceVpce` and the like, under an operator that fails without the key; not `aws:SourceIp`).",
        fix:
            "Name the accounts or roles that need the repository (`{\"AWS\": \"arn:aws:iam::111122223333:root\"}`), or \
             restrict `*` with an `aws:PrincipalOrgID` condition.",
        has_fix: false,
        terraform: Some(TfMatcher {
            resource_types: &["aws_ecr_repository_policy"],
            check,
            example: r#"resource "aws_ecr_repository_policy" "app" {
  repository = aws_ecr_repository.app.name
  policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Principal = "*"
      Action    = ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]
    }]
  })
}"#,
            fixed_example: r#"resource "aws_ecr_repository_policy" "app" {
  repository = aws_ecr_repository.app.name
  policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::111122223333:root" }
      Action    = ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]
    }]
  })
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::ECR::Repository"],
            check: check_cfn,
            example: r#"Resources:
  App:
    Type: AWS::ECR::Repository
    Properties:
      RepositoryName: app
      RepositoryPolicyText:
        Statement:
          - Effect: Allow
            Principal: "*"
            Action: [ecr:BatchGetImage, ecr:GetDownloadUrlForLayer]
"#,
            fixed_example: r#"Resources:
  App:
    Type: AWS::ECR::Repository
    Properties:
      RepositoryName: app
      RepositoryPolicyText:
        Statement:
          - Effect: Allow
            Principal: {AWS: "arn:aws:iam::111122223333:root"}
            Action: [ecr:BatchGetImage, ecr:GetDownloadUrlForLayer]
"#,
        }),
    },
};

fn check_cfn(ctx: &mut CfnContext) {
    for res in ctx.resources("AWS::ECR::Repository").collect::<Vec<_>>() {
        check_cfn_policy_prop(ctx, res, "RepositoryPolicyText", "repository");
    }
}

fn check(ctx: &mut TfContext) {
    for res in ctx.resources("aws_ecr_repository_policy").collect::<Vec<_>>() {
        check_policy_attr(ctx, res, "policy", "repository");
    }
    for res in ctx.resources_like("aws_ecr_repository_policy", "ecr").filter(|r| r.is_module()).collect::<Vec<_>>() {
        check_policy_attr(ctx, res, "repository_policy", "repository");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::lines;

    #[test]
    fn flags_public_repository_policies() {
        let text = r#"
resource "aws_ecr_repository" "repo" {
  name = "bar"
}
resource "aws_ecr_repository_policy" "public" {
  repository = aws_ecr_repository.foo.name
  policy     = "{\"Version\": \"2008-10-17\", \"Statement\": [{\"Effect\": \"Allow\", \"Principal\": \"*\", \"Action\": [\"ecr:BatchGetImage\"]}]}"
}
resource "aws_ecr_repository_policy" "account" {
  repository = aws_ecr_repository.foo.name
  policy     = jsonencode({ Statement = [{ Effect = "Allow", Principal = { AWS = "arn:aws:iam::1:root" }, Action = "ecr:*" }] })
}
module "ecr" {
  source            = "terraform-aws-modules/ecr/aws"
  repository_policy = jsonencode({ Statement = [{ Effect = "Allow", Principal = "*", Action = "ecr:*" }] })
}
"#;
        assert_eq!(lines(&RULE, text), [7, 15]);
    }

    #[test]
    fn cloudformation_in_yaml_and_json() {
        use crate::kit::testing::cfn_lines;
        let yaml = r#"Resources:
  Public:
    Type: AWS::ECR::Repository
    Properties:
      RepositoryPolicyText:
        Statement:
          - {Sid: AllowPull, Effect: Allow, Principal: "*", Action: ["ecr:BatchGetImage"]}
  Named:
    Type: AWS::ECR::Repository
    Properties:
      RepositoryPolicyText:
        Statement:
          - Effect: Allow
            Principal: {AWS: ["arn:aws:iam::123456789012:user/Bob"]}
            Action: ["ecr:BatchGetImage"]
  NoPolicy:
    Type: AWS::ECR::Repository
"#;
        assert_eq!(cfn_lines(&RULE, yaml), [5]);
        let json = r#"{"Resources": {"R": {"Type": "AWS::ECR::Repository", "Properties": {
  "RepositoryPolicyText": {"Version": "2008-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "ecr:*"}]}}}}}"#;
        assert_eq!(cfn_lines(&RULE, json), [2]);
    }

    #[test]
    fn only_conditions_that_pin_the_caller_keep_it_private() {
        crate::kit::testing::check_caller_conditions(
            &RULE,
            "ecr:BatchGetImage",
            |statements: &str| {
                format!(
                    r#"resource "aws_ecr_repository_policy" "p" {{
  repository = "r"
  policy = <<EOF
{{"Statement": {statements}}}
EOF
}}
"#
                )
            },
            Some(&|statements: &str| {
                format!(
                    r#"Resources:
  P:
    Type: AWS::ECR::Repository
    Properties:
      RepositoryPolicyText:
        Statement: {statements}
"#
                )
            }),
        );
    }
}
