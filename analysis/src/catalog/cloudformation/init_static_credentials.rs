use crate::cloudformation::check::CfnContext;
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity};

pub static RULE: Rule = Rule {
    id: "cfn-init-static-credentials",
    title: "CloudFormation init authentication uses access keys or passwords instead of a role",
    severity: Severity::Medium,
    row: Row::DataSharing,
    service: "CloudFormation",
    why: "Keys and passwords in cfn-init metadata are readable by anyone allowed `cloudformation:DescribeStackResource`, \
          and on the instance through the metadata; they are long-lived user keys instead of rotating role \
          credentials.",
    aws_side: "cfn-init can authenticate with the instance's role (`roleName`); choosing it over static keys is \
               the customer's.",
    equivalents: Equivalents { checkov: &[], kics: &["9ecb6b21-18bc-4aa7-bd07-db20f1c746db"], trivy: &[] },
    related: Related::NONE,
    matcher: &Custom {
        what: "Flags resources whose `AWS::CloudFormation::Authentication` metadata gives an `accessKeyId`, a \
               `secretKey` or a `password`, whatever its value (a literal, or a reference to a user's keys).",
        fix: "Authenticate S3 sources with `roleName` (the instance profile's role); keep basic-auth passwords in \
              Secrets Manager and fetch them at run time.",
        has_fix: false,
        terraform: None,
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::EC2::Instance", "AWS::AutoScaling::LaunchConfiguration", "AWS::EC2::LaunchTemplate"],
            check: check_cfn,
            example: r#"Resources:
  WebServer:
    Type: AWS::EC2::Instance
    Metadata:
      AWS::CloudFormation::Authentication:
        S3AccessCreds:
          type: S3
          accessKeyId: !Ref CfnKeys
          secretKey: !GetAtt CfnKeys.SecretAccessKey
"#,
            fixed_example: r#"Resources:
  WebServer:
    Type: AWS::EC2::Instance
    Metadata:
      AWS::CloudFormation::Authentication:
        S3AccessCreds:
          type: S3
          roleName: !Ref WebServerRole
"#,
        }),
    },
};

const SECRETS: [&str; 3] = ["accessKeyId", "secretKey", "password"];

fn check_cfn(ctx: &mut CfnContext) {
    for res in ctx.template.resources().collect::<Vec<_>>() {
        let Some(auth) = res.get("Metadata").and_then(|m| m.get("AWS::CloudFormation::Authentication")) else {
            continue;
        };
        for method in auth.entries() {
            for entry in method.value.entries().iter().filter(|e| SECRETS.contains(&e.key.as_str())) {
                let message = format!(
                    "`{}` gives cfn-init `{}` `{}` in its metadata: use the instance's role (`roleName`) instead",
                    res.logical_id, method.key, entry.key
                );
                ctx.report(res, entry.range, message);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::cfn_lines;

    #[test]
    fn flags_static_credentials_in_init_metadata() {
        let (example, fixed) = crate::kit::testing::cfn_example(&RULE);
        assert_eq!(cfn_lines(&RULE, &example), [8, 9]);
        assert!(cfn_lines(&RULE, &fixed).is_empty());
        let yaml = r#"Resources:
  Basic:
    Type: AWS::AutoScaling::LaunchConfiguration
    Metadata:
      AWS::CloudFormation::Authentication:
        BasicAccessCreds:
          type: basic
          username: !Ref UserName
          password: !Ref Password
          uris: [example.com/test]
  NoAuth:
    Type: AWS::EC2::Instance
    Metadata:
      AWS::CloudFormation::Init:
        config:
          files:
            /var/www/html/index.html:
              authentication: S3AccessCreds
"#;
        assert_eq!(cfn_lines(&RULE, yaml), [9]);
    }
}
