use crate::cloudformation::check::CfnContext;
use crate::kit::plaintext::report_cfn;
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity};

pub static RULE: Rule = Rule {
    id: "alexa-skill-refresh-token-plaintext",
    title: "Alexa skill refresh token is written in the template",
    severity: Severity::High,
    row: Row::DataSharing,
    service: "Alexa Skills Kit",
    why: "A long-lived refresh token mints access tokens for the developer account without any further login.",
    aws_side: "Amazon stores the credentials. Keeping them out of templates is the customer's.",
    equivalents: Equivalents { checkov: &[], kics: &[], trivy: &[] },
    related: Related {
        checkov: &[],
        kics: &["5b48c507-0d1f-41b0-a630-76817c6b4189"],
        trivy: &[],
        how: "Same check; its examples declare no AWS resource and no `AWSTemplateFormatVersion`, by which onus knows a file is a template, so they are not read.",
    },
    matcher: &Custom {
        what: "Flags Alexa skills (`Alexa::ASK::Skill`) whose `AuthenticationConfiguration.RefreshToken` is written in the template: a literal or a parameter's `Default`.",
        fix: "Keep the secret in Secrets Manager (or an SSM SecureString parameter) and refer to it: a dynamic reference (`{{resolve:secretsmanager:...}}`) in CloudFormation, a data source or a variable without a default in Terraform.",
        has_fix: true,
        terraform: None,
        cloudformation: Some(CfnMatcher {
            resource_types: &["Alexa::ASK::Skill"],
            check: check_cfn,
            example: r#"AWSTemplateFormatVersion: '2010-09-09'
Resources:
  Skill:
    Type: Alexa::ASK::Skill
    Properties:
      VendorId: M1ABCDEFGHIJKL
      AuthenticationConfiguration:
        ClientId: amzn1.application-oa2-client.1234
        ClientSecret: '{{resolve:secretsmanager:ask-client-secret}}'
        RefreshToken: Atzr|1234
"#,
            fixed_example: r#"AWSTemplateFormatVersion: '2010-09-09'
Resources:
  Skill:
    Type: Alexa::ASK::Skill
    Properties:
      VendorId: M1ABCDEFGHIJKL
      AuthenticationConfiguration:
        ClientId: amzn1.application-oa2-client.1234
        ClientSecret: '{{resolve:secretsmanager:ask-client-secret}}'
        RefreshToken: '{{resolve:ssm-secure:ask-refresh-token}}'
"#,
        }),
    },
};

const WHAT: &str = "its Login with Amazon refresh token";

fn check_cfn(ctx: &mut CfnContext) {
    report_cfn(ctx, "Alexa::ASK::Skill", "AuthenticationConfiguration.RefreshToken", WHAT);
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{cfn_example, cfn_lines, check_cfn_fixes};

    #[test]
    fn flags_secrets_written_in_the_configuration() {
        let (bad, good) = cfn_example(&RULE);
        assert_eq!(cfn_lines(&RULE, &bad).len(), 1);
        assert_eq!(check_cfn_fixes(&RULE, &bad), 1);
        assert!(cfn_lines(&RULE, &good).is_empty());
        // A parameter's `Default` is where the secret is written: reported there.
        assert_eq!(
            cfn_lines(
                &RULE,
                r#"AWSTemplateFormatVersion: '2010-09-09'
Parameters:
  WithDefault:
    Type: String
    NoEcho: true
    Default: written-here
  Empty:
    Type: String
    Default: ''
  Given:
    Type: String
Resources:
  A:
    Type: Alexa::ASK::Skill
    Properties:
      AuthenticationConfiguration:
        RefreshToken: !Ref WithDefault
  B:
    Type: Alexa::ASK::Skill
    Properties:
      AuthenticationConfiguration:
        RefreshToken: !Ref Empty
  C:
    Type: Alexa::ASK::Skill
    Properties:
      AuthenticationConfiguration:
        RefreshToken: !Ref Given
"#
            ),
            [6]
        );
    }
}
