//! The window on a computer without a GPU. eframe draws through wgpu or
//! OpenGL, which there means Mesa's llvmpipe shading every pixel of the
//! window on every frame (170–220 ms of CPU a frame at 1500 × 940). This
//! shell runs the same [`FrictionApp`] on winit and egui-winit, as eframe
//! does, but draws egui's triangles itself ([`raster`]) and only where the
//! frame differs from the last one ([`damage`]), and presents the pixels
//! with softbuffer. A frame that changes nothing draws and presents
//! nothing.

pub mod damage;
pub mod raster;

use std::num::NonZeroU32;
use std::rc::Rc;
use std::time::{Duration, Instant};

use eframe::App as _;
use eframe::egui::{self, ViewportBuilder, ViewportId, ViewportInfo};
use winit::application::ApplicationHandler;
use winit::event::WindowEvent;
use winit::event_loop::{ActiveEventLoop, ControlFlow, EventLoop, EventLoopProxy};
use winit::window::{Window, WindowId};

use crate::app::{AppConfig, FrictionApp};
use damage::FrameShapes;
use raster::{PixelRect, Raster};

/// The shortest time between two frames egui asks for (animations, smooth
/// scrolling): 30 a second, the rate remote desktops (Citrix, Azure Virtual
/// Desktop), where this renderer runs, send the screen at. Without it an
/// animation runs as many frames as the CPU can draw; input still draws at
/// once.
const FRAME_INTERVAL: Duration = Duration::from_micros(33_333);

/// What wakes the event loop besides the window's own events.
#[derive(Debug)]
enum Wake {
    /// egui asked for a frame after this delay.
    Repaint(Duration),
    /// A screen reader asked for something.
    AccessKit(accesskit_winit::Event),
}

impl From<accesskit_winit::Event> for Wake {
    fn from(event: accesskit_winit::Event) -> Self {
        Wake::AccessKit(event)
    }
}

/// The window, once the event loop made it.
struct Open {
    window: Rc<Window>,
    surface: softbuffer::Surface<Rc<Window>, Rc<Window>>,
    state: egui_winit::State,
    app: FrictionApp,
    info: ViewportInfo,
}

struct Shell {
    ctx: egui::Context,
    viewport: ViewportBuilder,
    config: Option<AppConfig>,
    proxy: EventLoopProxy<Wake>,
    open: Option<Open>,
    raster: Raster,
    last: FrameShapes,
    /// When egui wants the next frame, if it does.
    repaint_at: Option<Instant>,
    /// When the last frame began.
    last_frame: Instant,
    error: Option<String>,
    /// Print a line for each frame drawn (`FRICTIONMAP_COUNT_FRAMES=1`).
    count_frames: bool,
}

/// Runs the app in a window drawn on the CPU until it is closed.
pub fn run(viewport: ViewportBuilder, config: AppConfig) -> anyhow::Result<()> {
    let event_loop = EventLoop::<Wake>::with_user_event()
        .build()
        .map_err(|e| anyhow::anyhow!("could not open the window: {e}"))?;
    let ctx = egui::Context::default();
    let proxy = event_loop.create_proxy();
    let waker = proxy.clone();
    ctx.set_request_repaint_callback(move |info| {
        let _ = waker.send_event(Wake::Repaint(info.delay));
    });
    let mut shell = Shell {
        count_frames: config.count_frames,
        ctx,
        viewport,
        config: Some(config),
        proxy,
        open: None,
        raster: Raster::default(),
        last: FrameShapes::default(),
        repaint_at: None,
        last_frame: Instant::now(),
        error: None,
    };
    event_loop
        .run_app(&mut shell)
        .map_err(|e| anyhow::anyhow!("the window stopped: {e}"))?;
    match shell.error {
        Some(error) => Err(anyhow::anyhow!(error)),
        None => Ok(()),
    }
}

impl Shell {
    fn fail(&mut self, event_loop: &ActiveEventLoop, error: String) {
        self.error = Some(error);
        self.close(event_loop);
    }

    fn close(&mut self, event_loop: &ActiveEventLoop) {
        if let Some(open) = &mut self.open {
            open.app.on_exit();
        }
        self.open = None;
        event_loop.exit();
    }

    /// Runs one frame of the app and draws what changed.
    fn frame(&mut self, event_loop: &ActiveEventLoop) {
        self.last_frame = Instant::now();
        let Some(open) = &mut self.open else { return };
        let size = open.window.inner_size();
        let (Some(w), Some(h)) = (NonZeroU32::new(size.width), NonZeroU32::new(size.height)) else {
            return;
        };
        egui_winit::update_viewport_info(&mut open.info, &self.ctx, &open.window, false);
        let mut input = open.state.take_egui_input(&open.window);
        wheel_notches_at_once(&mut input.events);
        input.viewports.insert(ViewportId::ROOT, open.info.clone());
        let mut frame = eframe::Frame::_new_kittest();
        let app = &mut open.app;
        let mut output = self.ctx.run_ui(input, |ui| app.ui(ui, &mut frame));
        let mut textures = std::mem::take(&mut output.textures_delta);
        open.state.handle_platform_output(&open.window, output.platform_output);

        let viewport_output = output.viewport_output.get(&ViewportId::ROOT);
        let mut actions = Vec::new();
        if let Some(viewport_output) = viewport_output {
            egui_winit::process_viewport_commands(
                &self.ctx,
                &mut open.info,
                viewport_output.commands.iter().cloned(),
                &open.window,
                &mut actions,
            );
            self.repaint_at = (viewport_output.repaint_delay < Duration::from_secs(3600))
                .then(|| Instant::now() + viewport_output.repaint_delay);
        }
        if open.info.events.iter().any(|e| matches!(e, egui::ViewportEvent::Close)) {
            textures.clear();
            self.close(event_loop);
            return;
        }

        let pixels_per_point = output.pixels_per_point;
        let primitives = self.ctx.tessellate(output.shapes, pixels_per_point);
        let pixel_size = [w.get() as usize, h.get() as usize];
        let resized = self.raster.resize(pixel_size);
        let texture_changed = self.raster.set_textures(&mut textures);
        let shapes = FrameShapes::of(&primitives, pixels_per_point, pixel_size);
        let whole = PixelRect {
            x0: 0,
            y0: 0,
            x1: pixel_size[0],
            y1: pixel_size[1],
        };
        let damage = if resized || texture_changed {
            vec![whole]
        } else {
            self.last.damage(&shapes)
        };
        self.last = shapes;
        if !damage.is_empty() {
            if self.count_frames {
                let pixels: usize = damage.iter().map(PixelRect::area).sum();
                eprintln!("drawn {pixels} px");
            }
            let background = self.ctx.global_style().visuals.panel_fill;
            for rect in &damage {
                self.raster.draw(&primitives, pixels_per_point, *rect, background);
            }
            if let Err(e) = present(open, &self.raster, w, h, &damage, resized) {
                let message = format!("could not draw the window: {e}");
                self.raster.free_textures(&mut textures);
                self.fail(event_loop, message);
                return;
            }
        }
        self.raster.free_textures(&mut textures);
    }
}

/// A mouse-wheel notch moves the view in one frame. egui spreads a notch
/// over the next seven or so frames so that it glides; here that is seven
/// frames drawn on the CPU for one step (160 ms on a 20,000-step map), and at
/// 30 frames a second the glide does not look smooth anyway. Browsers with
/// smooth scrolling off move a notch at once too. egui applies the scroll
/// of a touch phase without spreading it, so each notch is announced as the
/// start of one. Trackpads (points, not lines) already scroll unspread.
fn wheel_notches_at_once(events: &mut Vec<egui::Event>) {
    let mut i = 0;
    while i < events.len() {
        if let egui::Event::MouseWheel {
            unit: unit @ (egui::MouseWheelUnit::Line | egui::MouseWheelUnit::Page),
            phase: egui::TouchPhase::Move,
            modifiers,
            source,
            ..
        } = events[i]
        {
            let start = egui::Event::MouseWheel {
                unit,
                delta: egui::Vec2::ZERO,
                phase: egui::TouchPhase::Start,
                modifiers,
                source,
            };
            events.insert(i, start);
            i += 1;
        }
        i += 1;
    }
}

/// Copies the damaged pixels into the window's buffer and shows them.
fn present(
    open: &mut Open,
    raster: &Raster,
    w: NonZeroU32,
    h: NonZeroU32,
    damage: &[PixelRect],
    resized: bool,
) -> Result<(), softbuffer::SoftBufferError> {
    if resized {
        open.surface.resize(w, h)?;
    }
    let mut buffer = open.surface.buffer_mut()?;
    let width = raster.size[0];
    // A buffer that does not hold the last frame gets every pixel.
    let whole = [PixelRect {
        x0: 0,
        y0: 0,
        x1: raster.size[0],
        y1: raster.size[1],
    }];
    let rects = if buffer.age() == 0 || buffer.len() != raster.pixels.len() {
        &whole[..]
    } else {
        damage
    };
    if buffer.len() != raster.pixels.len() {
        return Ok(());
    }
    for r in rects {
        for y in r.y0..r.y1 {
            let row = y * width;
            buffer[row + r.x0..row + r.x1].copy_from_slice(&raster.pixels[row + r.x0..row + r.x1]);
        }
    }
    let damage: Vec<softbuffer::Rect> = rects
        .iter()
        .filter_map(|r| {
            Some(softbuffer::Rect {
                x: r.x0 as u32,
                y: r.y0 as u32,
                width: NonZeroU32::new((r.x1 - r.x0) as u32)?,
                height: NonZeroU32::new((r.y1 - r.y0) as u32)?,
            })
        })
        .collect();
    buffer.present_with_damage(&damage)
}

impl ApplicationHandler<Wake> for Shell {
    fn resumed(&mut self, event_loop: &ActiveEventLoop) {
        if self.open.is_some() {
            return;
        }
        let Some(config) = self.config.take() else { return };
        // As eframe does: a window no larger than the screen it opens on.
        let monitor = event_loop
            .primary_monitor()
            .or_else(|| event_loop.available_monitors().next());
        if let (Some(monitor), Some(size)) = (monitor, self.viewport.inner_size) {
            let scale = monitor.scale_factor() as f32;
            let screen = egui::vec2(monitor.size().width as f32, monitor.size().height as f32) / scale;
            self.viewport.inner_size = Some(size.min(screen));
        }
        let window = match egui_winit::create_window(&self.ctx, event_loop, &self.viewport) {
            Ok(window) => Rc::new(window),
            Err(e) => return self.fail(event_loop, format!("could not open the window: {e}")),
        };
        let surface = softbuffer::Context::new(window.clone())
            .and_then(|context| softbuffer::Surface::new(&context, window.clone()));
        let surface = match surface {
            Ok(surface) => surface,
            Err(e) => return self.fail(event_loop, format!("could not draw into the window: {e}")),
        };
        let mut state = egui_winit::State::new(
            self.ctx.clone(),
            ViewportId::ROOT,
            event_loop,
            Some(window.scale_factor() as f32),
            event_loop.system_theme(),
            None,
        );
        state.init_accesskit(event_loop, &window, self.proxy.clone());
        let app = FrictionApp::new(&self.ctx, config);
        window.request_redraw();
        self.open = Some(Open {
            window,
            surface,
            state,
            app,
            info: ViewportInfo::default(),
        });
    }

    fn window_event(&mut self, event_loop: &ActiveEventLoop, _id: WindowId, event: WindowEvent) {
        let Some(open) = &mut self.open else { return };
        match event {
            WindowEvent::CloseRequested => self.close(event_loop),
            WindowEvent::RedrawRequested => self.frame(event_loop),
            event => {
                let response = open.state.on_window_event(&open.window, &event);
                if response.repaint {
                    open.window.request_redraw();
                }
            }
        }
    }

    fn user_event(&mut self, _event_loop: &ActiveEventLoop, wake: Wake) {
        match wake {
            Wake::Repaint(delay) => {
                let at = Instant::now() + delay;
                self.repaint_at = Some(self.repaint_at.map_or(at, |t| t.min(at)));
            }
            Wake::AccessKit(event) => {
                let Some(open) = &mut self.open else { return };
                if let accesskit_winit::WindowEvent::ActionRequested(request) = event.window_event {
                    open.state.on_accesskit_action_request(request);
                }
                open.window.request_redraw();
            }
        }
    }

    fn about_to_wait(&mut self, event_loop: &ActiveEventLoop) {
        let paced = self.repaint_at.map(|at| at.max(self.last_frame + FRAME_INTERVAL));
        match paced {
            Some(at) if at <= Instant::now() => {
                self.repaint_at = None;
                if let Some(open) = &self.open {
                    open.window.request_redraw();
                }
                event_loop.set_control_flow(ControlFlow::Wait);
            }
            Some(at) => event_loop.set_control_flow(ControlFlow::WaitUntil(at)),
            None => event_loop.set_control_flow(ControlFlow::Wait),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// How far the first frame after one wheel notch scrolls.
    fn first_frame_scroll(events: Vec<egui::Event>) -> egui::Vec2 {
        let ctx = egui::Context::default();
        let input = |events| egui::RawInput {
            screen_rect: Some(egui::Rect::from_min_size(egui::Pos2::ZERO, egui::vec2(800.0, 600.0))),
            events,
            ..Default::default()
        };
        ctx.run_ui(input(vec![]), |_| {}).textures_delta.clear();
        let mut scrolled = egui::Vec2::ZERO;
        let mut output = ctx.run_ui(input(events), |ui| scrolled = ui.input(|i| i.smooth_scroll_delta()));
        output.textures_delta.clear();
        scrolled
    }

    fn notch() -> egui::Event {
        egui::Event::MouseWheel {
            unit: egui::MouseWheelUnit::Line,
            delta: egui::vec2(0.0, -1.0),
            phase: egui::TouchPhase::Move,
            modifiers: egui::Modifiers::NONE,
            source: egui::MouseWheelSource::Wheel,
        }
    }

    #[test]
    fn a_wheel_notch_scrolls_its_whole_step_in_one_frame() {
        let step = egui::InputOptions::default().line_scroll_speed;
        let spread = first_frame_scroll(vec![notch()]);
        assert!(
            spread.y.abs() < step * 0.9,
            "egui spreads a notch unless told: {spread:?}"
        );

        let mut events = vec![notch(), egui::Event::PointerGone, notch()];
        wheel_notches_at_once(&mut events);
        assert_eq!(events.len(), 5, "a start before each notch: {events:?}");
        assert_eq!(first_frame_scroll(events), egui::vec2(0.0, -2.0 * step));
    }

    #[test]
    fn trackpad_scrolls_are_left_as_they_are() {
        let glide = egui::Event::MouseWheel {
            unit: egui::MouseWheelUnit::Point,
            delta: egui::vec2(0.0, -3.0),
            phase: egui::TouchPhase::Move,
            modifiers: egui::Modifiers::NONE,
            source: egui::MouseWheelSource::Trackpad,
        };
        let mut events = vec![glide.clone()];
        wheel_notches_at_once(&mut events);
        assert_eq!(events, vec![glide]);
    }
}
