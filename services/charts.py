"""/stats charts as PNG images: matplotlib's Agg backend, Noto Sans SC so Chinese labels draw.

The data comes from SQL per-day aggregates (`daily`); drawing is CPU work, so `render` runs it in a
worker thread (asyncio.to_thread) and the event loop keeps answering updates meanwhile. Only the
object-oriented API is used (Figure + FigureCanvasAgg), no pyplot global state.
"""

import asyncio
import io
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache

from models.base import utcnow
from services.policy import ShopPolicy
from services.staff.roles import Role, require
from services.unit_of_work import UnitOfWork

SIZE_PX = (1000, 500)
DPI = 100


@dataclass(frozen=True, slots=True)
class Daily:
    """Per-day series over the chart period, one value per local day (days without data are 0)."""

    days: list[date]
    new_members: list[int]
    points_issued: list[int]
    points_spent: list[int]
    revenue: list[int]  # minor units, net of refunds, by day of payment


@dataclass(frozen=True, slots=True)
class ChartSpec:
    """What to draw, already in the reader's language."""

    title: str
    days: list[date]
    series: list[tuple[str, list[int]]]  # (legend label, one value per day)
    bars: bool = False


async def daily(uow: UnitOfWork, policy: ShopPolicy, staff_id: int, days: int, now: datetime | None = None) -> Daily:
    now = now or utcnow()
    today = now.astimezone(policy.tz).date()
    first = today - timedelta(days=days - 1)
    since = datetime(first.year, first.month, first.day, tzinfo=policy.tz)
    async with uow.read():
        await require(uow, policy, staff_id, Role.admin)
        joined = await uow.stats.new_members_per_day(since, policy.tz)
        moved = await uow.stats.points_per_day(since, policy.tz)
        takings = await uow.stats.revenue_per_day(since, policy.tz)
    calendar = [first + timedelta(days=n) for n in range(days)]
    return Daily(calendar, [joined.get(d, 0) for d in calendar], [moved.get(d, (0, 0))[0] for d in calendar],
                 [moved.get(d, (0, 0))[1] for d in calendar], [takings.get(d, 0) for d in calendar])


@lru_cache(maxsize=1)
def font_name() -> str:
    """Registers Noto Sans SC with matplotlib once; returns its family name."""
    from matplotlib import font_manager, rcParams
    from pylopdf_fonts_zh_cn import sans_path

    font_manager.fontManager.addfont(str(sans_path()))
    name = font_manager.FontProperties(fname=str(sans_path())).get_name()
    rcParams["font.family"] = [name, "DejaVu Sans"]
    rcParams["axes.unicode_minus"] = False  # Noto Sans SC has no U+2212 minus
    return name


def draw(spec: ChartSpec) -> bytes:
    """The PNG of one chart, SIZE_PX pixels."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    font_name()
    figure = Figure(figsize=(SIZE_PX[0] / DPI, SIZE_PX[1] / DPI), dpi=DPI)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    labels = [day.strftime("%m-%d") for day in spec.days]
    positions = list(range(len(labels)))
    width = 0.8 / max(len(spec.series), 1)
    for index, (label, values) in enumerate(spec.series):
        if spec.bars:
            axes.bar([p + (index - (len(spec.series) - 1) / 2) * width for p in positions], values, width, label=label)
        else:
            axes.plot(positions, values, marker="o", markersize=3, label=label)
    axes.set_title(spec.title)
    step = max(len(labels) // 10, 1)
    axes.set_xticks(positions[::step], labels[::step])
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_ylim(bottom=0)
    axes.grid(axis="y", alpha=0.3)
    axes.legend(loc="upper left")
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()


async def render(spec: ChartSpec) -> bytes:
    """Off the event loop: matplotlib takes tens of milliseconds per chart."""
    return await asyncio.to_thread(draw, spec)
