//! Privilege escalation by IAM actions (the Rhino Security Labs methods): a principal whose policies allow a
//! set of actions on every resource can make itself an administrator. One rule per method; each is a set of
//! actions given to [`check`] and [`check_cfn`].
//!
//! A principal (user, group, role) is judged on every policy that applies to it ([`super::iam`]): its inline
//! policies and the managed policies of the module attached to it. Every action of the method must be allowed,
//! each by some `Allow` statement whose `Resource` is `*` (possibly in different policies). An action pattern
//! counts when it matches the action (`iam:Create*`), except `*` and `<service>:*`, which
//! `iam-policy-full-admin` and `iam-policy-service-wildcard` report. Conditions are not read: an MFA
//! condition does not stop the escalation. The finding is on the principal, where the permissions meet.

use crate::cloudformation::check::CfnContext;
use crate::fix::Fix;
use crate::policy::{Policy, Statement};
use crate::rule::Related;
use crate::terraform::check::TfContext;

use super::iam::{action_matches, cfn_effective_policies, effective_policies, is_service_wildcard};

/// The Terraform resource types the rules report on.
pub const TF_TYPES: &[&str] = &["aws_iam_user", "aws_iam_group", "aws_iam_role"];

/// The CloudFormation resource types the rules report on.
pub const CFN_TYPES: &[&str] = &["AWS::IAM::User", "AWS::IAM::Group", "AWS::IAM::Role"];

pub const AWS_SIDE: &str = "AWS evaluates exactly the policies you attach; it does not stop a principal from using \
                            IAM permissions to widen its own access. Scoping IAM actions to the resources a job \
                            needs is the customer's duty.";

/// Checkov's privilege-escalation checks (cloudsplaining's methods), which report each policy on its own.
pub const RELATED: Related = Related {
    checkov: &["CKV_AWS_110"],
    kics: &[],
    trivy: &[],
    how: "Checkov's CKV_AWS_110 (CloudFormation) and CKV_AWS_286 (Terraform) run cloudsplaining's escalation \
          methods on each policy resource alone, with wildcards expanded, and report the policy; this rule \
          reports the principal whose policies together allow the method.",
};

pub const FIX: &str = "Scope the actions to the resources the principal needs (specific ARNs instead of `*`), or \
                       remove them; keep such permissions for administrators who require MFA. The quick-fix attaches \
                       an explicit deny of the method's IAM action, which beats every allow: review it, the \
                       principal may need the action on some resources.";

/// Whether a statement allows `action` on every resource (the action written, or a pattern matching it that
/// is not a service-wide wildcard).
fn allows_on_everything(s: &Statement, action: &str) -> bool {
    s.allow
        && s.resources.iter().any(|r| r == "*")
        && s.actions.iter().any(|a| !is_service_wildcard(a) && action_matches(a, action))
}

/// Whether a statement denies `action` everywhere, unconditionally: an explicit deny beats every allow.
fn denies_everywhere(s: &Statement, action: &str) -> bool {
    !s.allow
        && s.conditions.is_empty()
        && s.resources.iter().any(|r| r == "*")
        && s.actions.iter().any(|a| action_matches(a, action))
}

fn allowed(policies: &[&Policy], action: &str) -> bool {
    policies.iter().any(|p| p.statements.iter().any(|s| allows_on_everything(s, action)))
}

/// Whether the policies allow `action` on every resource, and no statement of theirs denies it everywhere.
fn granted(policies: &[&Policy], action: &str) -> bool {
    allowed(policies, action) && !policies.iter().any(|p| p.statements.iter().any(|s| denies_everywhere(s, action)))
}

pub const FIX_TITLE: &str = "Deny the escalating action to this principal (review: it may need it on some resources)";

/// The inline policy resource type of a principal, and the attribute naming the principal.
fn inline_policy_of(ty: &str) -> Option<(&'static str, &'static str)> {
    Some(match ty {
        "aws_iam_user" => ("aws_iam_user_policy", "user"),
        "aws_iam_group" => ("aws_iam_group_policy", "group"),
        "aws_iam_role" => ("aws_iam_role_policy", "role"),
        _ => return None,
    })
}

/// A fix adding an inline policy that denies the method's first action (the IAM one: `iam:PassRole` of the
/// PassRole methods) to the principal everywhere.
fn deny_fix(ctx: &TfContext, principal: crate::terraform::check::Resource, action: &str) -> Option<Fix> {
    let (ty, link) = inline_policy_of(principal.ty())?;
    let base = format!("{}_deny_privilege_escalation", principal.name());
    let taken = |n: &str| !ctx.at_address(&format!("{ty}.{n}")).is_empty();
    let name = std::iter::once(base.clone())
        .chain((2..).map(|i| format!("{base}_{i}")))
        .find(|n| !taken(n))
        .expect("some name is free");
    let text = format!(
        "resource \"{ty}\" \"{name}\" {{\n  name   = \"deny-privilege-escalation\"\n  {link:<6} = {}.name\n  policy = \
         jsonencode({{\n    Version   = \"2012-10-17\"\n    Statement = [{{ Effect = \"Deny\", Action = [\"{action}\"], \
         Resource = \"*\" }}]\n  }})\n}}",
        principal.address()
    );
    let edit = crate::terraform::edit::insert_after(ctx.file(principal), principal.block, &text);
    Some(Fix::unsafe_(FIX_TITLE, vec![edit]))
}

/// The template's fix: an `AWS::IAM::Policy` attached to the principal that denies the method's first action.
fn deny_fix_cfn(ctx: &CfnContext, principal: crate::cloudformation::CfnResource, action: &str) -> Option<Fix> {
    let list = match principal.ty {
        "AWS::IAM::User" => "Users",
        "AWS::IAM::Group" => "Groups",
        _ => "Roles",
    };
    let policy = serde_json::json!({
        "Type": "AWS::IAM::Policy",
        "Properties": {
            "PolicyName": "deny-privilege-escalation",
            list: [{"Ref": principal.logical_id}],
            "PolicyDocument": {"Statement": [{"Effect": "Deny", "Action": [action], "Resource": "*"}]}
        }
    });
    let name = format!("{}DenyPrivilegeEscalation", principal.logical_id);
    super::setting::add_cfn_resource(ctx, &name, &policy).map(|e| Fix::unsafe_(FIX_TITLE, vec![e]))
}

/// `a`, `a and b`, `a, b and c`
fn and_list(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => one.to_string(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

fn message(subject: &str, actions: &[&str], sources: &[String]) -> String {
    let actions: Vec<String> = actions.iter().map(|a| format!("`{a}`")).collect();
    let actions: Vec<&str> = actions.iter().map(String::as_str).collect();
    let mut sources = sources.to_vec();
    sources.dedup();
    let sources: Vec<String> = sources.iter().map(|s| format!("`{s}`")).collect();
    let sources: Vec<&str> = sources.iter().map(String::as_str).collect();
    format!(
        "`{subject}` can escalate its privileges: its policies ({}) allow {} on every resource, a known \
         privilege-escalation path",
        and_list(&sources),
        and_list(&actions)
    )
}

/// Reports every principal of the module whose policies allow all of `actions` on every resource.
pub fn check(ctx: &mut TfContext, actions: &[&str]) {
    let mut principals = Vec::new();
    for ty in TF_TYPES {
        principals.extend(ctx.resources(ty));
    }
    for principal in principals {
        let grants = effective_policies(ctx, principal);
        let policies: Vec<&Policy> = grants.iter().map(|g| g.policy.as_ref()).collect();
        if !actions.iter().all(|a| granted(&policies, a)) {
            continue;
        }
        let sources: Vec<String> = grants
            .iter()
            .filter(|g| actions.iter().any(|a| allowed(&[g.policy.as_ref()], a)))
            .map(|g| g.from.address())
            .collect();
        let message = message(&principal.address(), actions, &sources);
        let fix = deny_fix(ctx, principal, actions[0]);
        ctx.report(principal, principal.block.header, message).fixes.extend(fix);
    }
}

/// Reports every principal of the template whose policies allow all of `actions` on every resource.
pub fn check_cfn(ctx: &mut CfnContext, actions: &[&str]) {
    let mut principals = Vec::new();
    for ty in CFN_TYPES {
        principals.extend(ctx.resources(ty));
    }
    for principal in principals {
        let grants = cfn_effective_policies(ctx, principal);
        let policies: Vec<&Policy> = grants.iter().map(|g| &g.policy).collect();
        if !actions.iter().all(|a| granted(&policies, a)) {
            continue;
        }
        let sources: Vec<String> = grants
            .iter()
            .filter(|g| actions.iter().any(|a| allowed(&[&g.policy], a)))
            .map(|g| g.from.logical_id.to_string())
            .collect();
        let message = message(principal.logical_id, actions, &sources);
        let range = ctx.header(principal);
        let fix = deny_fix_cfn(ctx, principal, actions[0]);
        ctx.report(principal, range, message).fixes.extend(fix);
    }
}

/// An insecure Terraform example for a method: a user whose inline policy allows its actions on `*`.
#[macro_export]
macro_rules! privesc_tf_example {
    ($($action:literal),+) => {
        concat!(
            "resource \"aws_iam_user\" \"ci\" {\n  name = \"ci\"\n}\n\n",
            "resource \"aws_iam_user_policy\" \"ci\" {\n  user = aws_iam_user.ci.name\n  policy = jsonencode({\n",
            "    Version   = \"2012-10-17\"\n",
            "    Statement = [{ Effect = \"Allow\", Action = [",
            $crate::privesc_join!($($action),+),
            "], Resource = \"*\" }]\n  })\n}"
        )
    };
}

/// The fixed form of [`privesc_tf_example`]: the actions scoped to one resource.
#[macro_export]
macro_rules! privesc_tf_fixed {
    ($resource:literal, $($action:literal),+) => {
        concat!(
            "resource \"aws_iam_user\" \"ci\" {\n  name = \"ci\"\n}\n\n",
            "resource \"aws_iam_user_policy\" \"ci\" {\n  user = aws_iam_user.ci.name\n  policy = jsonencode({\n",
            "    Version   = \"2012-10-17\"\n",
            "    Statement = [{ Effect = \"Allow\", Action = [",
            $crate::privesc_join!($($action),+),
            "], Resource = \"", $resource, "\" }]\n  })\n}"
        )
    };
}

/// An insecure template for a method: a role whose inline policy allows its actions on `*`.
#[macro_export]
macro_rules! privesc_cfn_example {
    ($resource:literal, $($action:literal),+) => {
        concat!(
            "Resources:\n  Deployer:\n    Type: AWS::IAM::Role\n    Properties:\n",
            "      AssumeRolePolicyDocument:\n        Statement:\n",
            "          - {Effect: Allow, Principal: {Service: codebuild.amazonaws.com}, Action: sts:AssumeRole}\n",
            "      Policies:\n        - PolicyName: deploy\n          PolicyDocument:\n            Statement:\n",
            "              - Effect: Allow\n                Action: [",
            $crate::privesc_join!($($action),+),
            "]\n                Resource: '", $resource, "'\n"
        )
    };
}

/// `"a", "b"`, for the examples.
#[macro_export]
macro_rules! privesc_join {
    ($first:literal $(, $rest:literal)*) => {
        concat!("\"", $first, "\"" $(, ", \"", $rest, "\"")*)
    };
}

#[cfg(test)]
pub mod testing {
    //! What every method's tests check, on the shapes of KICS's fixtures and beyond.

    use crate::kit::testing::{cfn_lines, check_cfn_fixes, check_fixes, lines, run};
    use crate::rule::Rule;

    fn quoted(actions: &[&str]) -> String {
        actions.iter().map(|a| format!("\"{a}\"")).collect::<Vec<_>>().join(", ")
    }

    /// Checks a method's rule: each principal type with an inline policy; the actions split between an inline
    /// policy and an attached managed policy; scoped, denied, wildcard and unknown grants that do not fire; and
    /// the same in CloudFormation.
    pub fn check_method(rule: &'static Rule, actions: &[&str]) {
        let all = quoted(actions);
        for (ty, inline, link) in [
            ("aws_iam_user", "aws_iam_user_policy", "user"),
            ("aws_iam_group", "aws_iam_group_policy", "group"),
            ("aws_iam_role", "aws_iam_role_policy", "role"),
        ] {
            let tf = format!(
                r#"resource "{ty}" "cosmic" {{
  name = "cosmic"
}}
resource "{inline}" "inline" {{
  {link} = {ty}.cosmic.name
  policy = jsonencode({{ Statement = [{{ Action = [{all}], Effect = "Allow", Resource = "*" }}] }})
}}
resource "aws_iam_policy_attachment" "no_policy" {{
  name  = "x"
  users = [aws_iam_user.cosmic.name]
}}
"#
            );
            assert_eq!(lines(rule, &tf), [1], "{}: {ty}", rule.id);
            // The fix denies the action: the principal can no longer escalate.
            assert_eq!(check_fixes(rule, &tf), 1, "{}: {ty}", rule.id);
            let fixed = run(rule, &tf)[0].fixes[0].apply(&tf);
            let expected = format!("resource \"{inline}\" \"cosmic_deny_privilege_escalation\"");
            assert!(fixed.contains(&expected), "{fixed}");
            assert!(
                fixed.contains(&format!("Effect = \"Deny\", Action = [\"{}\"], Resource = \"*\"", actions[0])),
                "{fixed}"
            );
        }
        // Split over an inline policy and an attached managed policy (by reference and by name).
        let (first, rest) = actions.split_first().unwrap();
        let rest_or_first = if rest.is_empty() { quoted(&[first]) } else { quoted(rest) };
        let split = format!(
            r#"resource "aws_iam_role" "cosmic" {{
  name = "cosmic"
}}
resource "aws_iam_role_policy" "inline" {{
  role   = "cosmic"
  policy = jsonencode({{ Statement = [{{ Action = ["{first}"], Effect = "Allow", Resource = "*" }}] }})
}}
resource "aws_iam_policy_attachment" "attach" {{
  name       = "a"
  roles      = [aws_iam_role.cosmic.name]
  policy_arn = aws_iam_policy.managed.arn
}}
resource "aws_iam_policy" "managed" {{
  policy = <<EOF
{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Action": [{rest_or_first}], "Resource": "*"}}]}}
EOF
}}
"#
        );
        assert_eq!(lines(rule, &split), [1], "{}: split grants", rule.id);
        let found = run(rule, &split);
        assert!(found[0].message.contains("aws_iam_role_policy.inline"), "{}", found[0].message);

        // Scoped to an ARN, denied, service-wide wildcards (other rules' findings), unknown: nothing.
        for (action_list, effect, resource) in [
            (all.clone(), "Allow", "\"arn:aws:iam::123456789012:user/ci\""),
            (all.clone(), "Deny", "\"*\""),
            (
                "\"iam:*\", \"lambda:*\", \"ec2:*\", \"glue:*\", \"sts:*\", \"cloudformation:*\"".to_string(),
                "Allow",
                "\"*\"",
            ),
            ("\"*\"".to_string(), "Allow", "\"*\""),
            (all.clone(), "Allow", "var.resources"),
            ("\"ec2:Describe*\"".to_string(), "Allow", "\"*\""),
        ] {
            let tf = format!(
                r#"variable "resources" {{}}
resource "aws_iam_user" "cosmic" {{
  name = "cosmic"
}}
resource "aws_iam_user_policy" "inline" {{
  user   = aws_iam_user.cosmic.name
  policy = jsonencode({{ Statement = [{{ Action = [{action_list}], Effect = "{effect}", Resource = {resource} }}] }})
}}
resource "aws_iam_user_policy" "unknown" {{
  user   = aws_iam_user.cosmic.name
  policy = var.policy
}}
"#
            );
            assert!(lines(rule, &tf).is_empty(), "{}: {action_list} {effect} {resource}", rule.id);
        }
        // Another principal's policy does not count.
        let other = format!(
            r#"resource "aws_iam_user" "a" {{
  name = "a"
}}
resource "aws_iam_user" "b" {{
  name = "b"
}}
resource "aws_iam_user_policy" "inline" {{
  user   = aws_iam_user.b.name
  policy = jsonencode({{ Statement = [{{ Action = [{all}], Effect = "Allow", Resource = "*" }}] }})
}}
"#
        );
        assert_eq!(lines(rule, &other), [4], "{}: the other user", rule.id);

        // CloudFormation: inline, a standalone policy naming the role, a managed policy by `!Ref`.
        let list = actions.join(", ");
        let yaml = format!(
            r#"Resources:
  Inline:
    Type: AWS::IAM::User
    Properties:
      Policies:
        - PolicyName: p
          PolicyDocument:
            Statement:
              - {{Effect: Allow, Action: [{list}], Resource: '*'}}
  Role:
    Type: AWS::IAM::Role
    Properties:
      RoleName: deployer
      ManagedPolicyArns: [!Ref Managed]
  Managed:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Statement:
          - {{Effect: Allow, Action: [{first}], Resource: '*'}}
  Standalone:
    Type: AWS::IAM::Policy
    Properties:
      Roles: [deployer]
      PolicyDocument:
        Statement:
          - {{Effect: Allow, Action: [{list}], Resource: '*'}}
  Group:
    Type: AWS::IAM::Group
    Properties:
      Policies:
        - PolicyName: p
          PolicyDocument:
            Statement:
              - {{Effect: Allow, Action: [{list}], Resource: arn:aws:iam::123456789012:user/ci}}
"#
        );
        assert_eq!(cfn_lines(rule, &yaml), [2, 10], "{}: CloudFormation", rule.id);
        assert_eq!(check_cfn_fixes(rule, &yaml), 2, "{}: CloudFormation", rule.id);
    }
}
