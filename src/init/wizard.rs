//! The wizard: one question per answer, each showing its default and the
//! evidence behind it; Enter accepts the default. Questions go through a
//! small [`Prompter`] trait, so the wizard runs on a terminal ([`Terminal`],
//! `inquire`) and in tests without one.

use super::answers::{self, Answers, LOG_LEVELS, PROBE_STYLES};
use super::detect::{self, Detection};
use crate::settings::Category;

/// Why the wizard stopped before its last question.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    /// Esc: leave, nothing written (exit 1).
    Cancelled,
    /// Ctrl-C: leave as an interrupted program does (exit 130).
    Interrupted,
}

/// A question: what is asked and why its default is what it is.
#[derive(Debug, Clone)]
pub struct Question<'a> {
    /// The question.
    pub message: &'a str,
    /// The evidence for the default (shown under the question).
    pub help: &'a str,
}

/// Asks questions; every answer has a default that Enter takes.
pub trait Prompter {
    /// Free text; `check` refuses a value with why.
    fn text(
        &mut self,
        question: &Question,
        default: &str,
        check: fn(&str) -> Option<String>,
    ) -> Result<String, Stop>;
    /// One of `options`.
    fn select(
        &mut self,
        question: &Question,
        options: &[String],
        default: usize,
    ) -> Result<usize, Stop>;
    /// Yes or no.
    fn confirm(&mut self, question: &Question, default: bool) -> Result<bool, Stop>;
    /// Any of `options` (the indexes chosen).
    fn multi_select(
        &mut self,
        question: &Question,
        options: &[String],
        defaults: &[usize],
    ) -> Result<Vec<usize>, Stop>;
}

/// Asks which stack the project is, when its files say several
/// (`candidates`, as [`detect::candidates`] lists them; the first is the
/// default).
pub fn ask_stack(
    prompter: &mut dyn Prompter,
    candidates: &[(&'static str, String)],
) -> Result<String, Stop> {
    let options: Vec<String> = candidates
        .iter()
        .map(|(name, marker)| format!("{name} ({marker} exists)"))
        .collect();
    let picked = prompter.select(
        &Question {
            message: "Stack",
            help: "the project has files of several stacks",
        },
        &options,
        0,
    )?;
    Ok(candidates[picked].0.to_string())
}

/// Asks whether to write a Dockerfile skeleton to complete (stack
/// [`detect::OTHER`]) for a project whose stack detection did not
/// recognise.
pub fn ask_other(prompter: &mut dyn Prompter) -> Result<bool, Stop> {
    let message = format!(
        "Write a Dockerfile skeleton to complete by hand (stack `{}`)?",
        detect::OTHER
    );
    prompter.confirm(
        &Question {
            message: &message,
            help: "the start command, port and the rest are asked next; the probe needs a health route",
        },
        true,
    )
}

/// The evidence of an optional fact, or what its absence means.
fn evidence<T>(fact: Option<&detect::Fact<T>>, absent: &str) -> String {
    fact.map_or_else(|| absent.to_string(), |f| format!("from {}", f.evidence))
}

/// Asks every question, starting from `answers` (detection's defaults).
pub fn ask(
    prompter: &mut dyn Prompter,
    detection: &Detection,
    mut answers: Answers,
) -> Result<Answers, Stop> {
    let start_help = if answers.start.is_empty() {
        "none found: the program and its arguments, as plain words".to_string()
    } else {
        format!("from {}", detection.start.evidence)
    };
    answers.start = prompter.text(
        &Question {
            message: "Start command",
            help: &start_help,
        },
        &answers.start,
        answers::start_problem,
    )?;
    let named = detect::start_port(&answers.start).filter(|p| Some(*p) != answers.port);
    if let Some(named) = named {
        answers.port = Some(named);
    }
    let port_help = match named {
        Some(_) => "from the start command's flags".to_string(),
        None => evidence(
            detection.port.as_ref(),
            "no port found in the code: leave empty if it serves nothing",
        ),
    };
    let port = prompter.text(
        &Question {
            message: "Port it listens on (empty: none)",
            help: &port_help,
        },
        &answers.port.map(|p| p.to_string()).unwrap_or_default(),
        port_problem,
    )?;
    answers.port = port.trim().parse().ok().filter(|p| *p != 0);
    if let Some(port) = answers.port {
        // The start command listens on the port answered.
        answers.start = detect::with_port(&answers.start, port);
    }
    if answers.port.is_some() {
        let route_help = evidence(
            detection.health.as_ref(),
            "no health route found in the code: empty, the probe only checks that the app answers",
        );
        let route = prompter.text(
            &Question {
                message: "Health route (empty: none)",
                help: &route_help,
            },
            answers.health_path.as_deref().unwrap_or_default(),
            answers::route_problem,
        )?;
        answers.health_path = (!route.trim().is_empty()).then(|| route.trim().to_string());
    } else {
        answers.health_path = None;
    }
    answers.health_scaffold = match detect::scaffold(detection) {
        Some(scaffold) if answers.port.is_some() && answers.health_path.is_none() => {
            let message = format!("Write a health endpoint ({})?", scaffold.file.display());
            let help = format!(
                "200 with JSON, 503 when a data service is down; to serve it, {}",
                scaffold.mount
            );
            prompter.confirm(
                &Question {
                    message: &message,
                    help: &help,
                },
                answers.health_scaffold,
            )?
        }
        _ => false,
    };
    if !answers.workers.is_empty() {
        let options: Vec<String> = detection
            .workers
            .iter()
            .map(|w| format!("{}: {}  ({})", w.value.name, w.value.command, w.evidence))
            .collect();
        let all: Vec<usize> = (0..options.len()).collect();
        let kept = prompter.multi_select(
            &Question {
                message: "Worker processes (same image, no port)",
                help: "space toggles, Enter accepts",
            },
            &options,
            &all,
        )?;
        answers.workers = kept
            .into_iter()
            .map(|i| detection.workers[i].value.clone())
            .collect();
    }
    let known = detect::services();
    let options: Vec<String> = known
        .iter()
        .map(|s| {
            let why = detection
                .services
                .iter()
                .find(|f| f.value == s.name)
                .map_or_else(
                    || "not seen in the code".to_string(),
                    |f| f.evidence.clone(),
                );
            format!("{} ({})  {why}", s.name, s.image)
        })
        .collect();
    let chosen: Vec<usize> = known
        .iter()
        .enumerate()
        .filter(|(_, s)| answers.services.contains(&s.name))
        .map(|(i, _)| i)
        .collect();
    let services = prompter.multi_select(
        &Question {
            message: "Data services",
            help: "space toggles, Enter accepts; checked ones were found in the code",
        },
        &options,
        &chosen,
    )?;
    answers.services = services
        .into_iter()
        .map(|i| known[i].name.clone())
        .collect();
    let categories: Vec<String> = ["core", "infrastructure", "database", "monitoring"]
        .iter()
        .map(|c| c.to_string())
        .collect();
    let at = categories
        .iter()
        .position(|c| *c == answers.category)
        .unwrap_or(0);
    let category = prompter.select(
        &Question {
            message: "Service category (sets default limits)",
            help: "core: an app of your own",
        },
        &categories,
        at,
    )?;
    if categories[category] != answers.category {
        answers.category = categories[category].clone();
        let limits = Category::parse(&answers.category)
            .expect("offered categories parse")
            .limits();
        answers.memory = limits.0.into();
        answers.cpus = limits.1.into();
    }
    let limit_help = match &detection.memory {
        Some(memory) if *memory == answers.memory => format!(
            "what {} needs (data/stacks.toml); CPU: the {} category's default",
            detection.framework.value, answers.category
        ),
        _ => format!("the {} category's default", answers.category),
    };
    answers.memory = prompter.text(
        &Question {
            message: "Memory limit",
            help: &limit_help,
        },
        &answers.memory,
        answers::memory_problem,
    )?;
    answers.cpus = prompter.text(
        &Question {
            message: "CPU limit",
            help: &limit_help,
        },
        &answers.cpus,
        answers::cpus_problem,
    )?;
    // The variable the app is given (a static site's server reads its own).
    let variable = super::render::app_log_level(detection, &answers)
        .0
        .to_string();
    answers.log_level = choose(
        prompter,
        &format!("Log level ({variable})"),
        "what the app is given",
        LOG_LEVELS,
        &answers.log_level,
    )?;
    answers.probe_style = choose(
        prompter,
        "Probe style",
        "auto: a client the image has, else a static probe copied in",
        PROBE_STYLES,
        &answers.probe_style,
    )?;
    answers.ci_action = Some(prompter.text(
        &Question {
            message: "GitHub Actions workflow running `seaworthy check` (action owner/repo@ref; empty: none)",
            help: "the repository that holds seaworthy's action.yml, and a tag, branch or commit",
        },
        answers.ci_action.as_deref().unwrap_or_default(),
        answers::action_problem,
    )?)
    .filter(|a| !a.trim().is_empty())
    .map(|a| a.trim().to_string());
    Ok(answers)
}

fn choose(
    prompter: &mut dyn Prompter,
    message: &str,
    help: &str,
    options: &[&str],
    current: &str,
) -> Result<String, Stop> {
    let owned: Vec<String> = options.iter().map(|o| o.to_string()).collect();
    let at = options.iter().position(|o| *o == current).unwrap_or(0);
    let picked = prompter.select(&Question { message, help }, &owned, at)?;
    Ok(owned[picked].clone())
}

fn port_problem(value: &str) -> Option<String> {
    let value = value.trim();
    (!value.is_empty() && value.parse::<u16>().map_or(true, |p| p == 0))
        .then(|| format!("`{value}` is not a port from 1 to 65535"))
}

/// The wizard on a terminal, through `inquire` (drawn on stderr).
pub struct Terminal {
    render: inquire::ui::RenderConfig<'static>,
}

impl Terminal {
    /// A terminal prompter; `colour` as the rest of stderr is.
    pub fn new(colour: bool) -> Terminal {
        Terminal {
            render: if colour {
                inquire::ui::RenderConfig::default_colored()
            } else {
                inquire::ui::RenderConfig::empty()
            },
        }
    }
}

fn stop(error: inquire::InquireError) -> Stop {
    match error {
        inquire::InquireError::OperationInterrupted => Stop::Interrupted,
        _ => Stop::Cancelled,
    }
}

impl Prompter for Terminal {
    fn text(
        &mut self,
        question: &Question,
        default: &str,
        check: fn(&str) -> Option<String>,
    ) -> Result<String, Stop> {
        inquire::Text::new(question.message)
            .with_initial_value(default)
            .with_help_message(question.help)
            .with_render_config(self.render)
            .with_validator(move |value: &str| {
                Ok(match check(value) {
                    Some(why) => inquire::validator::Validation::Invalid(why.into()),
                    None => inquire::validator::Validation::Valid,
                })
            })
            .prompt()
            .map_err(stop)
    }

    fn select(
        &mut self,
        question: &Question,
        options: &[String],
        default: usize,
    ) -> Result<usize, Stop> {
        inquire::Select::new(question.message, options.to_vec())
            .with_starting_cursor(default)
            .with_help_message(question.help)
            .with_render_config(self.render)
            .raw_prompt()
            .map(|choice| choice.index)
            .map_err(stop)
    }

    fn confirm(&mut self, question: &Question, default: bool) -> Result<bool, Stop> {
        inquire::Confirm::new(question.message)
            .with_default(default)
            .with_help_message(question.help)
            .with_render_config(self.render)
            .prompt()
            .map_err(stop)
    }

    fn multi_select(
        &mut self,
        question: &Question,
        options: &[String],
        defaults: &[usize],
    ) -> Result<Vec<usize>, Stop> {
        inquire::MultiSelect::new(question.message, options.to_vec())
            .with_default(defaults)
            .with_help_message(question.help)
            .with_render_config(self.render)
            .raw_prompt()
            .map(|chosen| chosen.into_iter().map(|c| c.index).collect())
            .map_err(stop)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Answers from a script (`None` takes the default), keeping each
    /// question asked.
    struct Script(Vec<Option<&'static str>>, Vec<String>);

    impl Script {
        fn new(answers: Vec<Option<&'static str>>) -> Script {
            Script(answers, Vec::new())
        }

        /// The next answer to `question`.
        fn next(&mut self, question: &Question) -> Option<&'static str> {
            self.1.push(question.message.to_string());
            self.0.remove(0)
        }
    }

    impl Prompter for Script {
        fn text(
            &mut self,
            question: &Question,
            default: &str,
            check: fn(&str) -> Option<String>,
        ) -> Result<String, Stop> {
            let value = self.next(question).unwrap_or(default).to_string();
            assert_eq!(check(&value), None);
            Ok(value)
        }
        fn select(
            &mut self,
            question: &Question,
            options: &[String],
            default: usize,
        ) -> Result<usize, Stop> {
            Ok(self
                .next(question)
                .map_or(default, |v| options.iter().position(|o| o == v).unwrap()))
        }
        fn confirm(&mut self, question: &Question, default: bool) -> Result<bool, Stop> {
            Ok(self.next(question).map_or(default, |v| v == "y"))
        }
        fn multi_select(
            &mut self,
            question: &Question,
            _: &[String],
            defaults: &[usize],
        ) -> Result<Vec<usize>, Stop> {
            match self.next(question) {
                Some(_) => Ok(Vec::new()),
                None => Ok(defaults.to_vec()),
            }
        }
    }

    fn detection() -> Detection {
        let root =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/init/fastapi-postgres");
        detect::detect(&root, None).unwrap()
    }

    #[test]
    fn the_log_level_question_names_the_variable_the_app_is_given() {
        for (fixture, question) in [
            ("fastapi-postgres", "Log level (LOG_LEVEL)"),
            // static-web-server is the whole app, and reads its own.
            ("vite-react-spa", "Log level (SERVER_LOG_LEVEL)"),
        ] {
            let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("fixtures/init")
                .join(fixture);
            let detection = detect::detect(&root, None).unwrap();
            // Every default, whatever the number of questions.
            let mut script = Script::new(vec![None; 32]);
            ask(&mut script, &detection, Answers::defaults(&detection)).unwrap();
            assert!(
                script.1.iter().any(|m| m == question),
                "{fixture}: {:?}",
                script.1
            );
        }
    }

    #[test]
    fn enter_everywhere_takes_the_defaults() {
        let detection = detection();
        let defaults = Answers::defaults(&detection);
        let mut script = Script::new(vec![None; 11]);
        assert_eq!(ask(&mut script, &detection, defaults.clone()), Ok(defaults));
    }

    #[test]
    fn a_changed_category_brings_its_limits() {
        let detection = detection();
        let defaults = Answers::defaults(&detection);
        // start, port, route (none), scaffold (no), workers (none),
        // services (none), category; the rest by default
        let mut script = Script::new(vec![
            None,
            Some("9000"),
            Some(""),
            Some("n"),
            Some("none"),
            Some("none"),
            Some("database"),
            None,
            None,
            None,
            None,
            Some("acme/seaworthy@v1"),
        ]);
        let answers = ask(&mut script, &detection, defaults).unwrap();
        assert_eq!(answers.port, Some(9000));
        assert!(
            answers.start.ends_with(" 9000") || answers.start.ends_with(":9000"),
            "the start command listens on the port answered: {}",
            answers.start
        );
        assert_eq!(answers.health_path, None);
        assert!(answers.services.is_empty());
        assert!(answers.workers.is_empty());
        assert!(!answers.health_scaffold);
        assert_eq!(answers.ci_action.as_deref(), Some("acme/seaworthy@v1"));
        assert_eq!(
            (answers.memory.as_str(), answers.cpus.as_str()),
            ("512M", "1.0")
        );
    }
}
