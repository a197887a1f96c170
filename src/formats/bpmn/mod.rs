//! BPMN 2.0 XML interchange with BPMN modelers (Camunda Modeler, bpmn.io,
//! Signavio…). `export::to_bpmn` writes one pool with a lane per lane, a
//! task per step, start and end events and full BPMNDI; the friction
//! figures travel in `fm:` extension elements. `import::from_bpmn` reads any
//! BPMN 2.0 file back into a map. Pure: no egui, no database.

mod bridge;
pub mod export;
pub mod import;
mod layout;
mod scan;

pub use export::to_bpmn;
pub use import::{BpmnError, ImportSummary, from_bpmn};

/// The BPMN 2.0 model namespace.
pub const BPMN_NS: &str = "http://www.omg.org/spec/BPMN/20100524/MODEL";
pub const BPMNDI_NS: &str = "http://www.omg.org/spec/BPMN/20100524/DI";
pub const DC_NS: &str = "http://www.omg.org/spec/DD/20100524/DC";
pub const DI_NS: &str = "http://www.omg.org/spec/DD/20100524/DI";
/// Friction Map's namespace for its extension elements.
pub const FM_NS: &str = "urn:frictionmap:bpmn:1";
