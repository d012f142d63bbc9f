use crate::cloudformation::check::CfnContext;
use crate::cloudformation::tree::{Node, NodeKind};
use crate::cloudformation::CfnResource;
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::{Resource, TfContext};
use crate::terraform::eval::{base64_decode, UNKNOWN_PART};
use crate::terraform::model::{Block, ExprKind};
use crate::terraform::view::key_name;
use crate::text::TextRange;
use crate::value::Value;

pub static RULE: Rule = Rule {
    id: "hardcoded-credentials",
    title: "AWS credentials or private keys are written in the infrastructure code",
    severity: Severity::Critical,
    row: Row::DataSharing,
    service: "EC2, Lambda, IAM",
    why: "Everything in Terraform code ends up in version control, in the state file, in CI logs and, for user \
          data and Lambda environment variables, readable through the EC2 and Lambda APIs and from inside the \
          instance by any process. A key written there is shared with everyone who can read any of those; it \
          cannot be scoped to the workload, does not expire, and is the most common way AWS accounts get \
          compromised.",
    aws_side: "AWS provides instance profiles, Lambda execution roles and IAM Roles Anywhere, which hand \
               workloads short-lived credentials that rotate on their own, and Secrets Manager and SSM \
               Parameter Store for other secrets. Using them instead of long-lived keys is the customer's duty.",
    equivalents: Equivalents {
        checkov: &["CKV_AWS_46", "CKV_AWS_45", "CKV_AWS_41"],
        kics: &[
            "0b93729a-d882-4803-bdc3-ac429a21f158",
            "443488f5-c734-460b-a36d-5b3f330174dc",
            "1402afd8-a95c-4e84-8b0b-6fb43758e6ce",
            "568cc372-ca64-420d-9015-ee347d00d288",
        ],
        trivy: &[
            "AVD-AWS-0029",
            "aws-ec2-no-secrets-in-user-data",
            "AVD-AWS-0129",
            "aws-ec2-no-secrets-in-launch-template-user-data",
            "AVD-AWS-0122",
            "aws-ec2-no-sensitive-info",
        ],
    },
    related: Related {
        checkov: &[],
        kics: &[
            "d7b9d850-3e06-4a75-852f-c46c2e92240b",
            "2564172f-c92b-4261-9acd-464aed511696",
            "06adef8c-c284-4de7-aad2-af43b07a8ca1",
        ],
        trivy: &[],
        how: "KICS's Terraform Hardcoded AWS Access Key (d7b9d850) reads only `aws_instance` user data (and \
              ec2-instance module calls), and there fails any 20-character run of capitals and digits or 40-character \
              base64 run, hashes and ids included; this rule needs the shape of an AWS key id or a named secret. Its \
              CloudFormation Hardcoded AWS Access Key In Lambda (2564172f) fails any `AKIA`, `ASIA` or `A3T` run of \
              20 characters, inside a longer one too, and misses secret keys and variables named for them, which this \
              rule flags; its IAM User LoginProfile Password Is In Plaintext (06adef8c) fails any string, \
              `{{resolve:secretsmanager:...}}` references included, which this rule passes.",
    },
    matcher: &Custom {
        what: "Flags AWS access key ids, secret-key-like tokens, `AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY` \
               assignments, writes to `~/.aws/credentials` and PEM private keys in instance user data (plain or \
               base64, launch templates and configurations, the ec2-instance and autoscaling modules), provisioners, \
               Lambda environment variables and the `aws` provider's `access_key`/`secret_key`; in CloudFormation, \
               the same in `UserData` and Lambda (and SAM) `Environment.Variables`, and console passwords written \
               in an IAM user's `LoginProfile`.",
        fix: "Remove the credentials (and deactivate them: they have leaked). Give instances an \
              `iam_instance_profile` and functions an execution role; read other secrets at run time from Secrets \
              Manager or SSM Parameter Store; configure the provider through the environment, a profile or \
              `assume_role`.",
        has_fix: false,
        terraform: Some(TfMatcher {
            resource_types: &[
                "aws_instance",
                "aws_launch_template",
                "aws_launch_configuration",
                "aws_spot_instance_request",
                "aws_lambda_function",
            ],
            check,
            example: r#"resource "aws_instance" "app" {
  ami           = "ami-0123456789abcdef0"
  instance_type = "t3.micro"
  user_data     = <<-EOT
    #!/bin/bash
    export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE
  EOT
}"#,
            fixed_example: r#"resource "aws_instance" "app" {
  ami                  = "ami-0123456789abcdef0"
  instance_type        = "t3.micro"
  iam_instance_profile = aws_iam_instance_profile.app.name
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &[
                "AWS::EC2::Instance",
                "AWS::EC2::LaunchTemplate",
                "AWS::AutoScaling::LaunchConfiguration",
                "AWS::Lambda::Function",
                "AWS::Serverless::Function",
                "AWS::IAM::User",
            ],
            check: check_cfn,
            example: r#"Resources:
  App:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      Role: !GetAtt AppRole.Arn
      Code: {S3Bucket: code, S3Key: app.zip}
      Environment:
        Variables:
          AWS_ACCESS_KEY_ID: AKIAIOSFODNN7EXAMPLE
"#,
            fixed_example: r#"Resources:
  App:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      Role: !GetAtt AppRole.Arn
      Code: {S3Bucket: code, S3Key: app.zip}
"#,
        }),
    },
};

/// A kind of secret found in a text.
#[derive(Debug, PartialEq)]
enum Secret {
    AccessKeyId(String),
    Assignment(String),
    CredentialsFile,
    KeyLikeToken,
    PrivateKey,
}

impl Secret {
    fn describe(&self) -> String {
        match self {
            Secret::AccessKeyId(id) => format!("an AWS access key id (`{}…`)", &id[..4]),
            Secret::Assignment(name) => format!("a value for `{name}`"),
            Secret::CredentialsFile => "a write to `~/.aws/credentials`".to_string(),
            Secret::KeyLikeToken => "a 40-character secret-access-key-like token".to_string(),
            Secret::PrivateKey => "a PEM private key".to_string(),
        }
    }
}

/// The maximal runs of characters that satisfy `pred`.
fn runs(text: &str, pred: impl Fn(char) -> bool) -> impl Iterator<Item = &str> {
    text.split(move |c: char| !pred(c)).filter(|r| !r.is_empty())
}

/// An access key id: 20 upper-case letters and digits with a known prefix, standing on its own.
fn access_key_id(text: &str) -> Option<String> {
    runs(text, |c| c.is_ascii_uppercase() || c.is_ascii_digit())
        .find(|r| {
            r.len() == 20
                && (["AKIA", "ASIA", "ABIA", "ACCA"].iter().any(|p| r.starts_with(p))
                    || (r.starts_with("A3T") && r.as_bytes()[3].is_ascii_alphanumeric()))
        })
        .map(str::to_string)
}

const CREDENTIAL_NAMES: [&str; 3] = ["aws_access_key_id", "aws_secret_access_key", "aws_session_token"];

/// `AWS_SECRET_ACCESS_KEY=value`, `aws_access_key_id = value` (a credentials file), with a literal value (not a
/// `$VARIABLE` read at run time).
fn assignment(text: &str) -> Option<String> {
    let lower = text.to_ascii_lowercase();
    for name in CREDENTIAL_NAMES {
        for (at, _) in lower.match_indices(name) {
            let rest = text[at + name.len()..].trim_start_matches([' ', '\t']);
            let Some(rest) = rest.strip_prefix(['=', ':']) else { continue };
            let value = rest.trim_start_matches([' ', '\t', '"', '\'']);
            let value: String = value.chars().take_while(|c| !c.is_whitespace() && !"\"';,)]}".contains(*c)).collect();
            if !value.is_empty() && !value.starts_with('$') && !value.contains(UNKNOWN_PART) {
                return Some(text[at..at + name.len()].to_string());
            }
        }
    }
    None
}

/// A run of exactly 40 base64 characters that looks like a secret access key: mixed case with digits (or, as
/// in KICS's tests, all digits). Lower-case hex (SHA-1 digests, commit ids) is not one.
fn secret_like_token(text: &str) -> bool {
    runs(text, |c| c.is_ascii_alphanumeric() || c == '/' || c == '+').any(|r| {
        r.len() == 40
            && (r.chars().all(|c| c.is_ascii_digit())
                || (r.chars().any(|c| c.is_ascii_uppercase())
                    && r.chars().any(|c| c.is_ascii_lowercase())
                    && r.chars().any(|c| c.is_ascii_digit())))
    })
}

fn private_key(text: &str) -> bool {
    text.match_indices("-----BEGIN ").any(|(at, m)| {
        let header: String = text[at + m.len()..].chars().take(40).collect();
        header.split("-----").next().is_some_and(|h| h.contains("PRIVATE KEY"))
    })
}

/// The first secret in a script (user data, provisioner commands): everything is looked for.
fn secret_in_script(text: &str) -> Option<Secret> {
    if let Some(id) = access_key_id(text) {
        return Some(Secret::AccessKeyId(id));
    }
    if let Some(name) = assignment(text) {
        return Some(Secret::Assignment(name));
    }
    if private_key(text) {
        return Some(Secret::PrivateKey);
    }
    if text.contains(".aws/credentials") {
        return Some(Secret::CredentialsFile);
    }
    secret_like_token(text).then_some(Secret::KeyLikeToken)
}

/// Text that is base64 (no spaces, a multiple of 4, decodes to UTF-8 text), decoded; else the text itself.
fn decoded(text: &str) -> String {
    let t = text.trim();
    let looks_base64 = t.len() >= 8
        && t.len() % 4 == 0
        && t.chars().all(|c| c.is_ascii_alphanumeric() || c == '+' || c == '/' || c == '=');
    match looks_base64.then(|| base64_decode(t)).flatten() {
        Some(text) if !text.contains('\0') => text,
        _ => text.to_string(),
    }
}

/// The texts a value holds (a string, or the strings of a list).
fn texts(value: &Value) -> Vec<String> {
    value.one_or_many().into_iter().filter_map(Value::as_str).map(str::to_string).collect()
}

fn report(ctx: &mut TfContext, res: Resource, range: TextRange, place: &str, secret: Secret) {
    ctx.report(res, range, format!("`{}` has {} in its {place}", res.address(), secret.describe()));
}

/// User data of instances, launch templates and configurations, and of the modules that make them.
fn user_data(ctx: &mut TfContext) {
    let mut sites: Vec<Resource> = ctx.resources_like("aws_instance", "ec2-instance").collect();
    sites.extend(ctx.resources_like("aws_launch_configuration", "autoscaling"));
    sites.extend(ctx.resources("aws_launch_template"));
    sites.extend(ctx.resources("aws_spot_instance_request"));
    for res in sites {
        for name in ["user_data", "user_data_base64"] {
            let Some(attr) = res.block.attr(name) else { continue };
            let Value::String(text) = ctx.module.scope.eval_lenient(&attr.expr) else { continue };
            if let Some(secret) = secret_in_script(&decoded(&text)) {
                report(ctx, res, attr.range, "user data", secret);
            }
        }
    }
}

/// The secret a provisioner writes or runs.
fn provisioner_secret(ctx: &TfContext, p: &Block) -> Option<Secret> {
    let text_of = |name: &str| p.attr(name).map(|a| texts(&ctx.module.scope.eval_lenient(&a.expr))).unwrap_or_default();
    match p.label(0)? {
        "remote-exec" => text_of("inline").iter().find_map(|t| secret_in_script(t)),
        "file" => {
            let path = |name: &str| {
                text_of(name).iter().any(|t| t.contains(".aws/credentials") || t.contains("aws-credentials"))
            };
            if path("source") || path("destination") {
                return Some(Secret::CredentialsFile);
            }
            text_of("content").iter().find_map(|t| secret_in_script(t))
        }
        "local-exec" => text_of("command")
            .iter()
            .find_map(|t| access_key_id(t).map(Secret::AccessKeyId).or_else(|| assignment(t).map(Secret::Assignment))),
        _ => None,
    }
}

fn provisioners(ctx: &mut TfContext) {
    for crate::terraform::check::Resource { file, block } in ctx.blocks("resource") {
        for p in block.blocks("provisioner") {
            if let Some(secret) = provisioner_secret(ctx, p) {
                let place = format!("`{}` provisioner", p.label(0).unwrap_or(""));
                report(ctx, Resource { file, block }, p.header, &place, secret);
            }
        }
    }
}

/// Whether an environment variable holds a credential: an access key id anywhere, or a literal value for a
/// credential variable name.
fn env_secret(name: Option<&str>, value: &Value) -> Option<Secret> {
    let text = value.as_str()?;
    if let Some(id) = access_key_id(text) {
        return Some(Secret::AccessKeyId(id));
    }
    let name = name?;
    let is_credential = CREDENTIAL_NAMES.iter().any(|n| name.eq_ignore_ascii_case(n));
    (is_credential && !text.trim().is_empty() && !text.contains(UNKNOWN_PART))
        .then(|| Secret::Assignment(name.to_string()))
}

fn lambda_environment(ctx: &mut TfContext) {
    for res in ctx.resources_like("aws_lambda_function", "lambda").collect::<Vec<_>>() {
        let fields: Vec<_> = if res.is_module() {
            res.config().attr("environment_variables").into_iter().collect()
        } else {
            ctx.nested(res.config(), "environment").iter().filter_map(|e| e.attr("variables")).collect()
        };
        for field in fields {
            match &field.expr.kind {
                ExprKind::Object(elems) => {
                    for (k, v) in elems {
                        if let Some(secret) = env_secret(key_name(k), &ctx.module.scope.eval_lenient(v)) {
                            report(
                                ctx,
                                res,
                                TextRange::new(k.range.start, v.range.end),
                                "environment variables",
                                secret,
                            );
                        }
                    }
                }
                _ => {
                    let value = ctx.module.scope.eval_lenient(field.expr);
                    let found = value.as_map().and_then(|m| m.iter().find_map(|(k, v)| env_secret(Some(k), v)));
                    if let Some(secret) = found {
                        report(ctx, res, field.range, "environment variables", secret);
                    }
                }
            }
        }
    }
}

/// `provider "aws" { access_key = "..." secret_key = "..." }`, except test setups (LocalStack, mocks) that skip
/// the credentials' validation.
fn provider_keys(ctx: &mut TfContext) {
    for crate::terraform::check::Resource { file, block } in ctx.blocks("provider") {
        if block.label(0) != Some("aws") {
            continue;
        }
        let res = Resource { file, block };
        if ctx.attr(block, "skip_credentials_validation").is_some_and(|(_, v)| v.as_bool() == Some(true)) {
            continue;
        }
        for name in ["access_key", "secret_key", "token"] {
            let Some((attr, value)) = ctx.attr(block, name) else { continue };
            if value.as_str().is_some_and(|v| !v.trim().is_empty()) {
                ctx.report(res, attr.range, format!("the `aws` provider has a hardcoded `{name}`"));
            }
        }
    }
}

/// The literal texts of a CloudFormation value, however it is assembled (`Fn::Base64`, `Fn::Join`, `Fn::Sub`
/// with its placeholders left in): references and attributes are skipped, never guessed.
fn cfn_texts<'n>(node: &'n Node, out: &mut Vec<&'n str>) {
    if let Some((name, _)) = node.intrinsic() {
        if matches!(name, "Ref" | "Fn::GetAtt" | "Fn::ImportValue" | "Condition" | "Fn::FindInMap") {
            return;
        }
    }
    match &node.kind {
        NodeKind::String(s) => out.push(s),
        NodeKind::List(items) => items.iter().for_each(|i| cfn_texts(i, out)),
        NodeKind::Map(entries) => entries.iter().for_each(|e| cfn_texts(&e.value, out)),
        _ => {}
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    let user_data = [
        ("AWS::EC2::Instance", "UserData"),
        ("AWS::AutoScaling::LaunchConfiguration", "UserData"),
        ("AWS::EC2::LaunchTemplate", "LaunchTemplateData.UserData"),
    ];
    for (ty, path) in user_data {
        for res in ctx.resources(ty).collect::<Vec<_>>() {
            let Some((node, _)) = ctx.prop(res, path) else { continue };
            let mut texts = Vec::new();
            cfn_texts(node, &mut texts);
            // The parts of a joined script are read together too: a key split over parts is still a key.
            let joined = texts.concat();
            let found = texts.iter().find_map(|t| secret_in_script(&decoded(t))).or_else(|| secret_in_script(&joined));
            if let Some(secret) = found {
                let range = ctx.prop_range(res, path).unwrap_or(node.range);
                report_cfn(ctx, res, range, "user data", secret);
            }
        }
    }
    for ty in ["AWS::Lambda::Function", "AWS::Serverless::Function"] {
        for res in ctx.resources(ty).collect::<Vec<_>>() {
            let Some((vars, _)) = ctx.prop(res, "Environment.Variables") else { continue };
            for entry in vars.entries() {
                let value = ctx.eval(&entry.value);
                let token = value.as_str().is_some_and(secret_like_token).then_some(Secret::KeyLikeToken);
                if let Some(secret) = env_secret(Some(&entry.key), &value).or(token) {
                    report_cfn(ctx, res, entry.range, "environment variables", secret);
                }
            }
        }
    }
    for res in ctx.resources("AWS::IAM::User").collect::<Vec<_>>() {
        let Some((node, value)) = ctx.prop(res, "LoginProfile.Password") else { continue };
        // A dynamic reference (`{{resolve:secretsmanager:...}}`) is read at deployment, not written here.
        if value.as_str().is_some_and(|p| !p.trim().is_empty() && !p.contains("{{resolve:")) {
            let range = ctx.prop_range(res, "LoginProfile.Password").unwrap_or(node.range);
            let message = format!(
                "`{}` has its console password written in the template: reference a Secrets Manager secret \
                 (`{{{{resolve:secretsmanager:...}}}}`) instead",
                res.logical_id
            );
            ctx.report(res, range, message);
        }
    }
}

fn report_cfn(ctx: &mut CfnContext, res: CfnResource, range: TextRange, place: &str, secret: Secret) {
    ctx.report(res, range, format!("`{}` has {} in its {place}", res.logical_id, secret.describe()));
}

fn check(ctx: &mut TfContext) {
    user_data(ctx);
    provisioners(ctx);
    lambda_environment(ctx);
    provider_keys(ctx);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{lines, run, run_files};
    use crate::terraform::eval::base64_encode;

    #[test]
    fn recognises_secrets_in_scripts() {
        assert_eq!(
            secret_in_script("x AKIAIOSFODNN7EXAMAAA y"),
            Some(Secret::AccessKeyId("AKIAIOSFODNN7EXAMAAA".into()))
        );
        assert_eq!(
            secret_in_script("id=AKIASXANV9XVIJ1YCIJ5"),
            Some(Secret::AccessKeyId("AKIASXANV9XVIJ1YCIJ5".into()))
        );
        assert!(access_key_id("AKIAIOSFODNN7EXAMAAAB").is_none(), "21 characters is not a key id");
        assert!(matches!(secret_in_script("export AWS_ACCESS_KEY_ID=your_key"), Some(Secret::Assignment(_))));
        assert!(matches!(secret_in_script("aws_secret_access_key = somesecret"), Some(Secret::Assignment(_))));
        assert_eq!(secret_in_script("export AWS_ACCESS_KEY_ID=$(vault read -field=id x)"), None);
        assert_eq!(secret_in_script("export AWS_ACCESS_KEY_ID=__onus_unknown__"), None);
        assert_eq!(secret_in_script("wget x > ~/.aws/credentials"), Some(Secret::CredentialsFile));
        assert_eq!(secret_in_script("1234567890123456789012345678901234567890$"), Some(Secret::KeyLikeToken));
        assert_eq!(secret_in_script("k=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"), Some(Secret::KeyLikeToken));
        assert_eq!(secret_in_script("git checkout 3f786850e387550fdab836ed7e6dc881de23001b"), None);
        assert_eq!(secret_in_script("-----BEGIN RSA PRIVATE KEY-----\nabc"), Some(Secret::PrivateKey));
        assert_eq!(secret_in_script("-----BEGIN OPENSSH PRIVATE KEY BLOCK-----"), Some(Secret::PrivateKey));
        assert_eq!(secret_in_script("-----BEGIN CERTIFICATE-----"), None);
        assert_eq!(secret_in_script(&format!("-----BEGIN {} PRIVATE KEY", "é".repeat(35))), None);
        assert_eq!(secret_in_script("#!/bin/bash\napt-get update\n"), None);
    }

    #[test]
    fn flags_user_data_plain_base64_and_from_tfvars() {
        let script = "#!/bin/bash\naws_access_key_id = somekey\n";
        let tf = format!(
            r##"resource "aws_instance" "plain" {{
  user_data = <<EOT
#!/bin/bash
export AWS_SECRET_ACCESS_KEY=abc
EOT
}}
resource "aws_instance" "encoded" {{
  user_data_base64 = base64encode("export AWS_ACCESS_KEY_ID=x")
}}
resource "aws_instance" "tfvars" {{
  user_data_base64 = var.init
}}
module "asg" {{
  source           = "terraform-aws-modules/autoscaling/aws"
  user_data_base64 = "{key}"
}}
resource "aws_launch_template" "lt" {{
  user_data = "{b64}"
}}
resource "aws_instance" "clean" {{
  user_data = "#!/bin/bash\napt-get update\n${{var.extra}}"
}}
resource "aws_instance" "file" {{
  user_data = file("boot.sh")
}}
resource "aws_instance" "test" {{
  user_data_base64 = "dGVzdA=="
}}
"##,
            key = base64_encode(b"-----BEGIN RSA PRIVATE KEY-----\nsomeKey"),
            b64 = base64_encode(script.as_bytes()),
        );
        let vars = format!("init = \"{}\"\n", base64_encode(script.as_bytes()));
        let found = run_files(&RULE, &[("main.tf", &tf), ("terraform.tfvars", &vars)]);
        let lines: Vec<usize> = found.iter().map(|f| tf[..f.range.start].matches('\n').count() + 1).collect();
        assert_eq!(lines, [2, 8, 11, 15, 18], "{found:?}");
    }

    #[test]
    fn flags_provisioners() {
        let text = r#"resource "aws_instance" "remote" {
  provisioner "remote-exec" {
    inline = ["echo export AWS_ACCESS_KEY_ID=my-key-id >> ~/.bashrc"]
  }
}
resource "aws_instance" "file" {
  provisioner "file" {
    source      = "conf/aws-credentials"
    destination = "~/.aws/credentials"
  }
}
resource "null_resource" "ok" {
  provisioner "remote-exec" {
    inline = ["sudo apt-get update"]
  }
  provisioner "local-exec" {
    command = "echo hello"
  }
}
"#;
        assert_eq!(lines(&RULE, text), [2, 7]);
    }

    #[test]
    fn flags_lambda_environments_and_providers() {
        let text = r#"resource "aws_lambda_function" "f" {
  function_name = "f"
  environment {
    variables = {
      foo                   = "AKIAIOSFODNN7EXAMAAA"
      AWS_SECRET_ACCESS_KEY = "abc"
      BAR                   = "test"
      AWS_ACCESS_KEY_ID     = var.key
    }
  }
}
module "fn" {
  source                = "terraform-aws-modules/lambda/aws"
  environment_variables = { KEY = "ASIAIOSFODNN7EXAMAAA" }
}
provider "aws" {
  access_key = "AKIAIOSFODNN7EXAMPLE"
  secret_key = var.secret
}
provider "aws" {
  alias                       = "localstack"
  access_key                  = "test"
  secret_key                  = "test"
  skip_credentials_validation = true
}
"#;
        assert_eq!(lines(&RULE, text), [5, 6, 14, 17]);
        assert!(!run(&RULE, text)[0].message.contains("EXAMAAA"), "the key is not repeated in full");
    }

    #[test]
    fn cloudformation_user_data_lambda_environment_and_passwords() {
        use crate::kit::testing::cfn_lines;
        let yaml = r##"Parameters:
  Pw:
    Type: String
    NoEcho: true
  DefaultPw:
    Type: String
    Default: hunter2hunter2
Resources:
  Instance:
    Type: AWS::EC2::Instance
    Properties:
      UserData:
        Fn::Base64: !Sub |
          #!/bin/bash
          export AWS_SECRET_ACCESS_KEY=${Secret}
          export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE
  Template:
    Type: AWS::EC2::LaunchTemplate
    Properties:
      LaunchTemplateData:
        UserData: !Base64 {"Fn::Join": ["", ["#!/bin/bash\n", "aws s3 ls --region ", !Ref AWS::Region]]}
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Environment:
        Variables:
          TABLE: !Ref Table
          KEY: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
          AWS_SECRET_ACCESS_KEY: !Ref Secret
  Plain:
    Type: AWS::IAM::User
    Properties:
      LoginProfile: {Password: myP@ssW0rd, PasswordResetRequired: true}
  FromDefault:
    Type: AWS::IAM::User
    Properties:
      LoginProfile:
        Password: !Ref DefaultPw
  Hidden:
    Type: AWS::IAM::User
    Properties:
      LoginProfile:
        Password: !Ref Pw
  Resolved:
    Type: AWS::IAM::User
    Properties:
      LoginProfile:
        Password: '{{resolve:secretsmanager:MySecret:SecretString:password}}'
"##;
        assert_eq!(cfn_lines(&RULE, yaml), [12, 28, 33, 38]);
        let json = r#"{"Resources": {"L": {"Type": "AWS::AutoScaling::LaunchConfiguration", "Properties": {
  "UserData": "LS0tLS1CRUdJTiBSU0EgUFJJVkFURSBLRVktLS0tLQpzb21lS2V5"}}}}"#;
        assert_eq!(cfn_lines(&RULE, json), [2]);
    }
}
