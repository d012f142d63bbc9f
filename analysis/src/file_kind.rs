//! Which files onus analyses, and with which grammar.
//!
//! Terraform is known by its extension. CloudFormation shares `.yaml`/`.json` with everything else, so it is
//! known by content: an `AWSTemplateFormatVersion`, or a `Resources` map whose entries have `Type: AWS::...`.
//! Any other YAML or JSON (a Kubernetes manifest, a package.json) gets no diagnostics at all.

/// The syntax a document is parsed with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Syntax {
    Hcl,
    Yaml,
    Json,
}

impl Syntax {
    pub fn language(self) -> tree_sitter::Language {
        match self {
            Syntax::Hcl => tree_sitter_hcl::LANGUAGE.into(),
            Syntax::Yaml => tree_sitter_yaml::LANGUAGE.into(),
            Syntax::Json => tree_sitter_json::LANGUAGE.into(),
        }
    }
}

/// What a document is, as far as onus is concerned.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FileKind {
    /// `.tf`
    Terraform,
    /// `.tfvars`
    TerraformVars,
    /// `.tf.json`
    TerraformJson,
    CloudFormationYaml,
    CloudFormationJson,
    /// YAML or JSON that may become a CloudFormation template as it is edited: parsed, never flagged.
    OtherYaml,
    OtherJson,
}

impl FileKind {
    /// The kind of a file by its path alone, when the path settles it; `None` for files onus ignores.
    pub fn from_path(path: &str) -> Option<FileKind> {
        let name = path.rsplit(['/', '\\']).next().unwrap_or(path).to_ascii_lowercase();
        if name.ends_with(".tf.json") {
            Some(FileKind::TerraformJson)
        } else if name.ends_with(".tf") {
            Some(FileKind::Terraform)
        } else if name.ends_with(".tfvars") || name.ends_with(".tfvars.json") {
            Some(FileKind::TerraformVars)
        } else if name.ends_with(".yaml") || name.ends_with(".yml") {
            Some(FileKind::OtherYaml)
        } else if name.ends_with(".json") {
            Some(FileKind::OtherJson)
        } else if name.ends_with(".template") {
            // CloudFormation's own extension holds JSON or YAML.
            Some(FileKind::OtherYaml)
        } else {
            None
        }
    }

    /// The kind of a file from its path and its text: YAML and JSON become CloudFormation by content.
    pub fn detect(path: &str, text: &str) -> Option<FileKind> {
        let kind = FileKind::from_path(path)?;
        Some(kind.refine(text))
    }

    /// Re-decide YAML/JSON by content (a template may gain or lose its markers as it is edited).
    pub fn refine(self, text: &str) -> FileKind {
        match self {
            FileKind::OtherYaml | FileKind::CloudFormationYaml | FileKind::OtherJson | FileKind::CloudFormationJson => {
                let json = matches!(self, FileKind::OtherJson | FileKind::CloudFormationJson)
                    || text.trim_start().starts_with('{');
                match (looks_like_cloudformation(text), json) {
                    (true, true) => FileKind::CloudFormationJson,
                    (true, false) => FileKind::CloudFormationYaml,
                    (false, true) => FileKind::OtherJson,
                    (false, false) => FileKind::OtherYaml,
                }
            }
            other => other,
        }
    }

    pub fn syntax(self) -> Syntax {
        match self {
            FileKind::Terraform | FileKind::TerraformVars => Syntax::Hcl,
            FileKind::TerraformJson | FileKind::CloudFormationJson | FileKind::OtherJson => Syntax::Json,
            FileKind::CloudFormationYaml | FileKind::OtherYaml => Syntax::Yaml,
        }
    }

    /// Whether onus reports anything (syntax errors included) for this kind.
    pub fn is_analysed(self) -> bool {
        !matches!(self, FileKind::OtherYaml | FileKind::OtherJson)
    }

    pub fn is_terraform(self) -> bool {
        matches!(self, FileKind::Terraform | FileKind::TerraformVars | FileKind::TerraformJson)
    }

    pub fn is_cloudformation(self) -> bool {
        matches!(self, FileKind::CloudFormationYaml | FileKind::CloudFormationJson)
    }
}

/// A cheap textual test, run on every change of a YAML/JSON document: the template-format key, or a
/// `Resources` key together with an `AWS::` type. It looks at the whole text, but only with `memchr`-speed
/// substring searches.
pub fn looks_like_cloudformation(text: &str) -> bool {
    if text.contains("AWSTemplateFormatVersion") {
        return true;
    }
    let has_resources = text.contains("Resources");
    has_resources
        && (text.contains("Type: AWS::")
            || text.contains("Type: 'AWS::")
            || text.contains("Type: \"AWS::")
            || {
                // JSON: "Type" : "AWS::..." with any spacing.
                text.match_indices("\"Type\"").any(|(i, m)| {
                    let rest = text[i + m.len()..].trim_start();
                    rest.strip_prefix(':').is_some_and(|r| r.trim_start().starts_with("\"AWS::"))
                })
            }
            || text.contains("Type: AWS::Serverless")
            || text.contains("Transform: AWS::Serverless"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_by_path_and_content() {
        assert_eq!(FileKind::detect("a/main.tf", ""), Some(FileKind::Terraform));
        assert_eq!(FileKind::detect("x.auto.tfvars", ""), Some(FileKind::TerraformVars));
        assert_eq!(FileKind::detect("main.tf.json", "{}"), Some(FileKind::TerraformJson));
        assert_eq!(FileKind::detect("README.md", ""), None);
        let cfn = "AWSTemplateFormatVersion: '2010-09-09'\nResources: {}\n";
        assert_eq!(FileKind::detect("t.yaml", cfn), Some(FileKind::CloudFormationYaml));
        let cfn = "Resources:\n  B:\n    Type: AWS::S3::Bucket\n";
        assert_eq!(FileKind::detect("t.yml", cfn), Some(FileKind::CloudFormationYaml));
        let cfn = "{\"Resources\": {\"B\": {\"Type\" : \"AWS::S3::Bucket\"}}}";
        assert_eq!(FileKind::detect("t.json", cfn), Some(FileKind::CloudFormationJson));
        assert_eq!(FileKind::detect("t.template", cfn), Some(FileKind::CloudFormationJson));
        let k8s = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n";
        assert_eq!(FileKind::detect("pod.yaml", k8s), Some(FileKind::OtherYaml));
        assert_eq!(FileKind::detect("package.json", "{\"name\": \"x\"}"), Some(FileKind::OtherJson));
    }
}
