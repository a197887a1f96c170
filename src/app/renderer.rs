//! Which renderer draws the window: a GPU, or a CPU rasterizer such as
//! Mesa's llvmpipe and lavapipe or Windows' WARP, as on virtual desktops
//! without a GPU. Shown in Help ▸ About and in the start-up log, and used
//! to choose cheaper drawing on a CPU device.

use eframe::egui_wgpu::wgpu;

/// What the window is drawn with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Renderer {
    /// The adapter's name, as its driver gives it (`llvmpipe (LLVM 19.1.7, 256 bits)`).
    pub name: String,
    /// The graphics API (`Vulkan`, `Gl`).
    pub backend: String,
    /// Whether every pixel is drawn by the CPU.
    pub cpu: bool,
}

/// Adapter names of software rasterizers that do not call themselves a
/// CPU device.
const CPU_NAMES: &[&str] = &[
    "llvmpipe",
    "lavapipe",
    "softpipe",
    "swiftshader",
    "microsoft basic render driver",
];

impl Renderer {
    /// The adapter wgpu would draw the window with, asked before the
    /// window opens, so that a computer without a GPU gets the CPU shell
    /// ([`crate::app::soft`]). `None` when wgpu finds no adapter at all.
    pub fn probe() -> Option<Self> {
        let instance = wgpu::Instance::new(wgpu::InstanceDescriptor::new_without_display_handle_from_env());
        let adapter = pollster::block_on(instance.request_adapter(&wgpu::RequestAdapterOptions::default())).ok()?;
        Some(Self::of_adapter(adapter.get_info()))
    }

    fn of_adapter(info: wgpu::AdapterInfo) -> Self {
        let lower = info.name.to_lowercase();
        Self {
            cpu: info.device_type == wgpu::DeviceType::Cpu || CPU_NAMES.iter().any(|n| lower.contains(n)),
            backend: format!("{:?}", info.backend),
            name: info.name,
        }
    }

    /// The renderer of a window eframe made with wgpu.
    pub fn of(cc: &eframe::CreationContext<'_>) -> Option<Self> {
        Some(Self::of_adapter(cc.wgpu_render_state.as_ref()?.adapter.get_info()))
    }

    /// The shell that draws the window on the CPU itself.
    pub fn cpu_shell() -> Self {
        Self {
            name: "Friction Map's own CPU renderer".to_owned(),
            backend: "softbuffer".to_owned(),
            cpu: true,
        }
    }

    /// One line for people: `llvmpipe (LLVM 19.1.7, 256 bits) through Vulkan, on the CPU (no GPU)`.
    pub fn describe(&self) -> String {
        let on = if self.cpu { "on the CPU (no GPU)" } else { "on the GPU" };
        format!("{} through {}, {on}", self.name, self.backend)
    }
}
