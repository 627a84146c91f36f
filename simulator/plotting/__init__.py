"""Figures from results (matplotlib). Functions return Axes/Figures and never call ``plt.show()``."""

from .trajectories import plot_trajectories

__all__ = ["plot_trajectories"]
