use crate::kit::declared::{Cfn, Setting, Tf, Want};
use crate::responsibility::Row;
use crate::rule::{Equivalents, Related, Rule, Severity};

pub static RULE: Rule = Rule {
    id: "cognito-user-pool-advanced-security-off",
    title: "Cognito user pool does not enforce threat protection (advanced security)",
    severity: Severity::Low,
    row: Row::UserBehaviour,
    service: "Cognito",
    why: "Threat protection blocks sign-ins with leaked credentials and risky sign-ins (a new device, impossible \
          travel) and can step up to MFA; without it Cognito accepts any correct password. `AUDIT` only logs. It \
          needs the Plus feature plan on newer pools.",
    aws_side: "Cognito offers adaptive authentication (billed); turning it on is the customer's.",
    equivalents: Equivalents::NONE,
    related: Related::NONE,
    matcher: &Setting {
        terraform: Some(Tf {
            types: &["aws_cognito_user_pool"],
            path: "user_pool_add_ons.advanced_security_mode",
            example: r#"resource "aws_cognito_user_pool" "users" {
  name = "users"
  user_pool_add_ons {
    advanced_security_mode = "AUDIT"
  }
}"#,
            fixed: r#"resource "aws_cognito_user_pool" "users" {
  name = "users"
  user_pool_add_ons {
    advanced_security_mode = "ENFORCED"
  }
}"#,
            ..Tf::DEFAULT
        }),
        cloudformation: Some(Cfn {
            types: &["AWS::Cognito::UserPool"],
            path: "UserPoolAddOns.AdvancedSecurityMode",
            example: r#"Resources:
  Users:
    Type: AWS::Cognito::UserPool
    Properties:
      UserPoolName: users
"#,
            fixed: r#"Resources:
  Users:
    Type: AWS::Cognito::UserPool
    Properties:
      UserPoolName: users
      UserPoolAddOns:
        AdvancedSecurityMode: ENFORCED
"#,
            ..Cfn::DEFAULT
        }),
        want: Want::OneOf(&["ENFORCED"]),
        absent: Some("threat protection is off, so sign-ins with leaked credentials are accepted"),
        insecure: "threat protection does not block risky sign-ins",
        fix_title: "Enforce threat protection",
        ..Setting::DEFAULT
    },
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{cfn_lines, check_fixes, lines};

    #[test]
    fn flags_off_audit_and_absent() {
        let tf = r#"resource "aws_cognito_user_pool" "absent" {
  name = "a"
}
resource "aws_cognito_user_pool" "off" {
  user_pool_add_ons {
    advanced_security_mode = "OFF"
  }
}
resource "aws_cognito_user_pool" "enforced" {
  user_pool_add_ons {
    advanced_security_mode = "ENFORCED"
  }
}
"#;
        assert_eq!(lines(&RULE, tf), [1, 6]);
        assert_eq!(check_fixes(&RULE, tf), 2);
        let yaml = "Resources:\n  A:\n    Type: AWS::Cognito::UserPool\n    Properties:\n      UserPoolAddOns:\n        AdvancedSecurityMode: AUDIT\n";
        assert_eq!(cfn_lines(&RULE, yaml), [6]);
    }
}
