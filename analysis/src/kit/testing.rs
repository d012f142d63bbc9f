//! Test helpers for rules: run one rule on some Terraform, and check that its fixes work.

use crate::document::{Document, Parsers};
use crate::finding::Finding;
use crate::rule::Rule;
use crate::syntax_errors::syntax_errors;
use crate::terraform::{Module, TfFile};

/// The day rule tests run on, pinned so that date-keyed rules test the same forever.
pub const TEST_TODAY: crate::date::Date = crate::date::Date::new(2026, 11, 29);

/// Parses `files` (path, text) as one module.
pub fn module_files(files: &[(&str, &str)]) -> Vec<TfFile> {
    let mut parsers = Parsers::new();
    files
        .iter()
        .map(|(path, text)| {
            let mut doc = Document::new(format!("/test/{path}"), text, 0).expect("a Terraform path");
            doc.parse_fully(&mut parsers);
            TfFile::read(&doc, None, &mut parsers).expect("parsed")
        })
        .collect()
}

/// The findings of `rule` on a module made of `files`.
pub fn run_files(rule: &'static Rule, files: &[(&str, &str)]) -> Vec<Finding> {
    let tf = module_files(files);
    let expansions = crate::terraform::expand::Expansions::new();
    let mut module = Module::new(tf.iter().collect(), &expansions);
    module.today = Some(TEST_TODAY);
    let mut findings = Vec::new();
    assert!(rule.matcher.has_terraform(), "{}: no Terraform matcher", rule.id);
    crate::terraform::check::run_rule(&module, rule, &mut findings, crate::terraform::check::Subjects::All);
    // The rule checks one block at a time as it checks the whole module (what the editor's analysis relies on).
    let by_block = crate::terraform::incremental::ModuleAnalysis::by_subject([rule]).analyse(&module);
    let key = |f: &Finding| (f.file, f.range.start, f.range.end, f.message.clone(), format!("{:?}", f.fixes));
    let (mut at_once, mut one_by_one) =
        (findings.iter().map(key).collect::<Vec<_>>(), by_block.iter().map(key).collect::<Vec<_>>());
    at_once.sort();
    one_by_one.sort();
    assert_eq!(
        one_by_one, at_once,
        "{}: checking one block at a time differs from checking the module at once",
        rule.id
    );
    findings
}

/// The findings of `rule` on one `main.tf`.
pub fn run(rule: &'static Rule, text: &str) -> Vec<Finding> {
    run_files(rule, &[("main.tf", text)])
}

/// The 1-based lines the findings of `rule` start on.
pub fn lines(rule: &'static Rule, text: &str) -> Vec<usize> {
    run(rule, text).iter().map(|f| text[..f.range.start].matches('\n').count() + 1).collect()
}

fn syntax_error_count(text: &str) -> usize {
    let mut parsers = Parsers::new();
    let tree = parsers.get(crate::file_kind::Syntax::Hcl).parse(text, None).expect("no cancellation");
    syntax_errors(&tree, &ropey::Rope::from_str(text)).len()
}

/// Applies every fix of every finding of `rule` on `text`, one at a time, and checks that the result parses
/// without new errors and has one finding fewer. Returns the number of fixes checked.
pub fn check_fixes(rule: &'static Rule, text: &str) -> usize {
    let findings = run(rule, text);
    let errors_before = syntax_error_count(text);
    let mut checked = 0;
    for finding in &findings {
        for fix in &finding.fixes {
            let fixed = fix.apply(text);
            assert_eq!(
                syntax_error_count(&fixed),
                errors_before,
                "{}: fix `{}` breaks the syntax:\n{fixed}",
                rule.id,
                fix.title
            );
            let after = run(rule, &fixed);
            assert!(
                after.len() < findings.len(),
                "{}: fix `{}` does not remove its finding:\n{fixed}",
                rule.id,
                fix.title
            );
            checked += 1;
        }
    }
    checked
}

/// The findings of `rule`'s CloudFormation matcher on a template (YAML, or JSON if it starts with `{`).
pub fn run_cfn(rule: &'static Rule, text: &str) -> Vec<Finding> {
    let path = if text.trim_start().starts_with('{') { "/test/template.json" } else { "/test/template.yaml" };
    let mut doc = Document::new(path, text, 0).expect("a template path");
    doc.parse_fully(&mut Parsers::new());
    let template = crate::cloudformation::Template::from_document(&doc).expect("a CloudFormation template");
    let scope = crate::cloudformation::eval::CfnScope::new(&template);
    let mut findings = Vec::new();
    assert!(rule.matcher.has_cloudformation(), "{}: no CloudFormation matcher", rule.id);
    let mut ctx = crate::cloudformation::check::CfnContext::new(&template, &scope, rule, &mut findings)
        .with_today(Some(TEST_TODAY));
    rule.matcher.check_cloudformation(&mut ctx);
    findings
}

/// The 1-based lines the CloudFormation findings of `rule` start on.
pub fn cfn_lines(rule: &'static Rule, text: &str) -> Vec<usize> {
    run_cfn(rule, text).iter().map(|f| text[..f.range.start].matches('\n').count() + 1).collect()
}

/// Like [`check_fixes`], for templates. Returns the number of fixes checked.
pub fn check_cfn_fixes(rule: &'static Rule, text: &str) -> usize {
    let findings = run_cfn(rule, text);
    let path = if text.trim_start().starts_with('{') { "/test/t.json" } else { "/test/t.yaml" };
    let errors = |t: &str| {
        let mut doc = Document::new(path, t, 0).unwrap();
        doc.parse_fully(&mut Parsers::new());
        syntax_errors(doc.tree().unwrap(), doc.rope()).len()
    };
    let before = errors(text);
    let mut checked = 0;
    for finding in &findings {
        for fix in &finding.fixes {
            let fixed = fix.apply(text);
            assert_eq!(errors(&fixed), before, "{}: fix `{}` breaks the syntax:\n{fixed}", rule.id, fix.title);
            assert!(
                run_cfn(rule, &fixed).len() < findings.len(),
                "{}: fix `{}` does not remove its finding:\n{fixed}",
                rule.id,
                fix.title
            );
            checked += 1;
        }
    }
    checked
}

/// A rule's documented Terraform example and its fixed form.
pub fn tf_example(rule: &Rule) -> (String, String) {
    let (bad, good) = rule.docs().terraform.unwrap_or_else(|| panic!("{}: no Terraform example", rule.id));
    (bad.into_owned(), good.into_owned())
}

/// A rule's documented CloudFormation example and its fixed form.
pub fn cfn_example(rule: &Rule) -> (String, String) {
    let (bad, good) = rule.docs().cloudformation.unwrap_or_else(|| panic!("{}: no CloudFormation example", rule.id));
    (bad.into_owned(), good.into_owned())
}

/// Applies the one fix of the one finding `findings` holds to `text`.
fn only_fix(rule: &Rule, findings: &[Finding], text: &str, format: &str) -> String {
    assert_eq!(findings.len(), 1, "{}: its {format} example should raise one finding: {findings:?}", rule.id);
    assert_eq!(findings[0].fixes.len(), 1, "{}: its {format} finding should offer one fix", rule.id);
    findings[0].fixes[0].apply(text)
}

/// What every declared setting promises, checked on its documented examples in each format: the example is
/// flagged once, its fix writes exactly the documented fixed form, which is not flagged; an unknown value is
/// not flagged; and in Terraform, `null` (literal or through a variable) is judged as absent.
pub fn check_declared(rule: &'static Rule, setting: &crate::kit::declared::Setting) {
    if let Some(tf) = &setting.terraform {
        let found = run(rule, tf.example);
        assert_eq!(only_fix(rule, &found, tf.example, "Terraform"), tf.fixed, "{}: the fix writes", rule.id);
        assert!(run(rule, tf.fixed).is_empty(), "{}: its fixed Terraform example is flagged", rule.id);
        let leaf = tf.path.rsplit('.').next().unwrap_or("").trim_end_matches('?');
        let with = |value: &str| replace_tf_value(tf.fixed, leaf, value);
        let unknown = format!("variable \"onus_unknown\" {{}}\n{}", with("var.onus_unknown"));
        assert!(run(rule, &unknown).is_empty(), "{}: an unknown value is flagged:\n{unknown}", rule.id);
        if setting.absent.is_some() {
            assert_eq!(run(rule, &with("null")).len(), 1, "{}: `{leaf} = null` is not judged as absent", rule.id);
            let through = format!("variable \"v\" {{\n  default = null\n}}\n{}", with("var.v"));
            assert_eq!(run(rule, &through).len(), 1, "{}: a null variable is not judged as absent", rule.id);
        }
    }
    if let Some(cfn) = &setting.cloudformation {
        let found = run_cfn(rule, cfn.example);
        assert_eq!(only_fix(rule, &found, cfn.example, "CloudFormation"), cfn.fixed, "{}: the fix writes", rule.id);
        assert!(run_cfn(rule, cfn.fixed).is_empty(), "{}: its fixed template is flagged", rule.id);
        let leaf = cfn.path.rsplit('.').next().unwrap_or("").trim_end_matches('?');
        let unknown = format!(
            "Parameters:\n  OnusUnknown:\n    Type: String\n{}",
            replace_yaml_value(cfn.fixed, leaf, "!Ref OnusUnknown")
        );
        assert!(run_cfn(rule, &unknown).is_empty(), "{}: an unknown value is flagged:\n{unknown}", rule.id);
    }
}

/// `text` with the value of its attribute `name` (the last one, on its line) replaced.
fn replace_tf_value(text: &str, name: &str, value: &str) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let at = lines
        .iter()
        .rposition(|l| l.trim_start().strip_prefix(name).is_some_and(|rest| rest.trim_start().starts_with('=')))
        .unwrap_or_else(|| panic!("no `{name} =` line in\n{text}"));
    let line = &lines[at];
    let eq = line.find('=').expect("an attribute line");
    lines[at] = format!("{} {value}", &line[..=eq]);
    lines.join("\n")
}

/// A YAML template with the value of its key `name` (the last one, on its line) replaced.
fn replace_yaml_value(text: &str, name: &str, value: &str) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let key = format!("{name}:");
    let at = lines
        .iter()
        .rposition(|l| l.trim_start().starts_with(&key))
        .unwrap_or_else(|| panic!("no `{name}:` line in\n{text}"));
    let line = &lines[at];
    let colon = line.find(':').expect("a key line");
    lines[at] = format!("{} {value}", &line[..=colon]);
    lines.join("\n") + "\n"
}

/// A `Condition` of a statement for `*`, as JSON in a Terraform heredoc and in a template, and whether it pins the
/// caller to known principals (see [`crate::kit::resource_policy::pins_caller`]). No template: templates cannot
/// write it (a `Fn::Sub` with an unknown part is unknown whole).
struct CallerCondition {
    name: &'static str,
    terraform: &'static str,
    template: Option<&'static str>,
    pins: bool,
}

const fn same(name: &'static str, condition: &'static str, pins: bool) -> CallerCondition {
    CallerCondition { name, terraform: condition, template: Some(condition), pins }
}

const CALLER_CONDITIONS: [CallerCondition; 27] = [
    same("organisation", r#"{"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}"#, true),
    same("organisation path", r#"{"ForAnyValue:StringLike": {"aws:PrincipalOrgPaths": ["o-a1b2c3d4e5/*"]}}"#, true),
    same("accounts", r#"{"StringEquals": {"aws:PrincipalAccount": ["111122223333", "444455556666"]}}"#, true),
    same("principal ARN", r#"{"ArnEquals": {"aws:PrincipalArn": "arn:aws:iam::111122223333:role/app"}}"#, true),
    same("a role's sessions", r#"{"StringLike": {"aws:userid": "AROAEXAMPLEID:*"}}"#, true),
    same("source account", r#"{"StringEquals": {"aws:SourceAccount": "111122223333"}}"#, true),
    same("source owner, key in capitals", r#"{"StringEquals": {"AWS:SourceOwner": "111122223333"}}"#, true),
    same(
        "source ARN, Like without a wildcard",
        r#"{"ArnLike": {"aws:SourceArn": "arn:aws:sns:eu-west-1:111122223333:orders"}}"#,
        true,
    ),
    same("VPC endpoint", r#"{"StringEquals": {"aws:SourceVpce": "vpce-1a2b3c4d"}}"#, true),
    same("VPC", r#"{"StringEquals": {"aws:SourceVpc": "vpc-1a2b3c4d"}}"#, true),
    same("KMS caller account", r#"{"StringEquals": {"kms:CallerAccount": "111122223333"}}"#, true),
    same("ignoring case", r#"{"StringEqualsIgnoreCase": {"aws:principalorgid": "O-A1B2C3D4E5"}}"#, true),
    same(
        "beside a network condition",
        r#"{"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}, "StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}"#,
        true,
    ),
    CallerCondition {
        name: "an unknown value (never a wildcard)",
        terraform: r#"{"StringEquals": {"aws:PrincipalOrgID": "${var.organization_id}"}}"#,
        template: Some(r#"{"StringEquals": {"aws:PrincipalOrgID": {"Ref": "OrganizationId"}}}"#),
        pins: true,
    },
    same("Like with a wildcard", r#"{"StringLike": {"aws:PrincipalOrgID": "o-*"}}"#, false),
    same("a wildcard among the values", r#"{"StringEquals": {"aws:PrincipalAccount": ["111122223333", "*"]}}"#, false),
    same("a wildcard account", r#"{"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/app"}}"#, false),
    same("negated", r#"{"StringNotEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}"#, false),
    same("IfExists", r#"{"StringEqualsIfExists": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}"#, false),
    same(
        "ForAllValues",
        r#"{"ForAllValues:StringEquals": {"aws:PrincipalOrgPaths": ["o-a1b2c3d4e5/r-ab12/"]}}"#,
        false,
    ),
    same(
        "an organisation path's wildcard organisation",
        r#"{"ForAnyValue:StringLike": {"aws:PrincipalOrgPaths": ["o-*/r-ab12/*"]}}"#,
        false,
    ),
    same("a source IP", r#"{"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}"#, false),
    same("an S3 source ARN (no account)", r#"{"ArnLike": {"aws:SourceArn": "arn:aws:s3:::uploads"}}"#, false),
    same("the calling service alone", r#"{"StringEquals": {"kms:ViaService": "s3.eu-west-1.amazonaws.com"}}"#, false),
    same("a referer", r#"{"StringLike": {"aws:Referer": "https://example.com/*"}}"#, false),
    CallerCondition {
        name: "a policy variable",
        terraform: r#"{"ArnEquals": {"aws:PrincipalArn": "arn:aws:iam::111122223333:role/$${aws:PrincipalTag/team}"}}"#,
        template: Some(
            r#"{"ArnEquals": {"aws:PrincipalArn": "arn:aws:iam::111122223333:role/${aws:PrincipalTag/team}"}}"#,
        ),
        pins: false,
    },
    CallerCondition {
        name: "an unknown account beside a known wildcard",
        terraform: r#"{"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::${var.account_id}:*"}}"#,
        template: None,
        pins: false,
    },
];

/// Checks a resource-policy rule against conditions that pin the caller of a statement for `*` and conditions that
/// do not, and against statement lists that mix them. `terraform` and `template` write a file whose policy's
/// `Statement` is the JSON array they are given (in a heredoc, and in a template's flow mapping); the statements
/// allow `action`.
pub fn check_caller_conditions(
    rule: &'static Rule,
    action: &str,
    terraform: impl Fn(&str) -> String,
    template: Option<&dyn Fn(&str) -> String>,
) {
    let statement = |principal: &str, condition: &str| {
        let allow = format!(r#""Effect": "Allow", "Principal": {principal}, "Action": "{action}", "Resource": "*""#);
        format!(r#"{{{allow}, "Condition": {condition}}}"#)
    };
    for c in &CALLER_CONDITIONS {
        for principal in [r#""*""#, r#"{"AWS": ["*"]}"#] {
            let tf = terraform(&format!("[{}]", statement(principal, c.terraform)));
            assert_eq!(lines(rule, &tf).is_empty(), c.pins, "{}: {} ({principal}), Terraform:\n{tf}", rule.id, c.name);
            if let (Some(template), Some(condition)) = (template, c.template) {
                let cfn = template(&format!("[{}]", statement(principal, condition)));
                let pinned = cfn_lines(rule, &cfn).is_empty();
                assert_eq!(pinned, c.pins, "{}: {} ({principal}), template:\n{cfn}", rule.id, c.name);
            }
        }
    }
    // One public statement makes the policy public, whatever the others; a pinned one beside a denial does not.
    let pinned = statement(r#""*""#, CALLER_CONDITIONS[0].terraform);
    let open = statement(r#""*""#, r#"{"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}"#);
    let denied = format!(r#"{{"Effect": "Deny", "Principal": "*", "Action": "{action}", "Resource": "*"}}"#);
    for (statements, public) in [(format!("[{pinned}, {open}]"), true), (format!("[{denied}, {pinned}]"), false)] {
        let tf = terraform(&statements);
        assert_eq!(!lines(rule, &tf).is_empty(), public, "{}: mixed statements, Terraform:\n{tf}", rule.id);
        if let Some(template) = template {
            let cfn = template(&statements);
            assert_eq!(!cfn_lines(rule, &cfn).is_empty(), public, "{}: mixed statements, template:\n{cfn}", rule.id);
        }
    }
}

/// [`check_caller_conditions`] for a rule about a bucket: the statements in the policy of a bucket the file declares
/// (`aws_s3_bucket_policy`, `AWS::S3::BucketPolicy`).
pub fn check_bucket_policy_caller_conditions(rule: &'static Rule, action: &str) {
    check_caller_conditions(
        rule,
        action,
        |statements: &str| {
            format!(
                r#"resource "aws_s3_bucket" "b" {{
  bucket = "b"
}}
resource "aws_s3_bucket_policy" "b" {{
  bucket = aws_s3_bucket.b.id
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
  B:
    Type: AWS::S3::Bucket
  P:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: !Ref B
      PolicyDocument:
        Statement: {statements}
"#
            )
        }),
    );
}

/// [`check_caller_conditions`] for a rule about bucket policies: the statements in the policy of a bucket the file
/// only names (`aws_s3_bucket_policy`, `AWS::S3::BucketPolicy`).
pub fn check_named_bucket_policy_caller_conditions(rule: &'static Rule, action: &str) {
    check_caller_conditions(
        rule,
        action,
        |statements: &str| {
            format!(
                r#"resource "aws_s3_bucket_policy" "p" {{
  bucket = "b"
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
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: b
      PolicyDocument:
        Statement: {statements}
"#
            )
        }),
    );
}

/// [`check_caller_conditions`] for a KMS key policy (`aws_kms_key` `policy`, `AWS::KMS::Key` `KeyPolicy`).
pub fn check_key_policy_caller_conditions(rule: &'static Rule, action: &str) {
    check_caller_conditions(
        rule,
        action,
        |statements: &str| {
            format!(
                r#"resource "aws_kms_key" "p" {{
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
    Type: AWS::KMS::Key
    Properties:
      KeyPolicy:
        Statement: {statements}
"#
            )
        }),
    );
}
