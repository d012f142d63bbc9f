use crate::cloudformation::check::CfnContext;
use crate::kit::plaintext::report_cfn;
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity};

pub static RULE: Rule = Rule {
    id: "alexa-skill-client-secret-plaintext",
    title: "Alexa skill client secret is written in the template",
    severity: Severity::High,
    row: Row::DataSharing,
    service: "Alexa Skills Kit",
    why: "The Login with Amazon client secret lets whoever holds it act as the skill developer's account on the skill management APIs.",
    aws_side: "Amazon stores the credentials. Keeping them out of templates is the customer's.",
    equivalents: Equivalents { checkov: &[], kics: &[], trivy: &[] },
    related: Related {
        checkov: &[],
        kics: &["3c3b7a58-b018-4d07-9444-d9ee7156e111"],
        trivy: &[],
        how: "Same check; its examples declare no AWS resource and no `AWSTemplateFormatVersion`, by which onus knows a file is a template, so they are not read.",
    },
    matcher: &Custom {
        what: "Flags Alexa skills (`Alexa::ASK::Skill`) whose `AuthenticationConfiguration.ClientSecret` is written in the template: a literal or a parameter's `Default`.",
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
        ClientSecret: "1234"
        RefreshToken: '{{resolve:secretsmanager:ask-refresh-token}}'
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
        RefreshToken: '{{resolve:secretsmanager:ask-refresh-token}}'
"#,
        }),
    },
};

const WHAT: &str = "its Login with Amazon client secret";

fn check_cfn(ctx: &mut CfnContext) {
    report_cfn(ctx, "Alexa::ASK::Skill", "AuthenticationConfiguration.ClientSecret", WHAT);
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
        ClientSecret: !Ref WithDefault
  B:
    Type: Alexa::ASK::Skill
    Properties:
      AuthenticationConfiguration:
        ClientSecret: !Ref Empty
  C:
    Type: Alexa::ASK::Skill
    Properties:
      AuthenticationConfiguration:
        ClientSecret: !Ref Given
"#
            ),
            [6]
        );
    }
}
