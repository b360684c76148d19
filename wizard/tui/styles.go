package tui

import (
	"image/color"

	"charm.land/huh/v2"
	"charm.land/lipgloss/v2"
)

// styles are the wizard's colours and text styles for a dark or light
// terminal background.
type styles struct {
	Accent, Subtle, Warn, OK color.Color

	Header, StepInfo, Notice, Help lipgloss.Style
	Panel, PanelTitle, Label, Dim  lipgloss.Style
	Heading, Warning, Good         lipgloss.Style
}

func newStyles(dark bool) styles {
	ld := lipgloss.LightDark(dark)
	s := styles{
		Accent: ld(lipgloss.Color("#5A56E0"), lipgloss.Color("#8B87FF")),
		Subtle: ld(lipgloss.Color("#6B6B6B"), lipgloss.Color("#9A9A9A")),
		Warn:   ld(lipgloss.Color("#B3261E"), lipgloss.Color("#FF8A80")),
		OK:     ld(lipgloss.Color("#0B7A4B"), lipgloss.Color("#5FD7A0")),
	}
	s.Header = lipgloss.NewStyle().Bold(true).Foreground(s.Accent)
	s.StepInfo = lipgloss.NewStyle().Foreground(s.Subtle)
	s.Notice = lipgloss.NewStyle().Foreground(s.Warn)
	s.Help = lipgloss.NewStyle().Foreground(s.Subtle)
	s.Panel = lipgloss.NewStyle().
		Border(lipgloss.RoundedBorder()).
		BorderForeground(s.Accent).
		Padding(0, 1)
	s.PanelTitle = lipgloss.NewStyle().Bold(true).Foreground(s.Accent)
	s.Label = lipgloss.NewStyle().Bold(true)
	s.Dim = lipgloss.NewStyle().Foreground(s.Subtle)
	s.Heading = lipgloss.NewStyle().Bold(true).Foreground(s.Accent)
	s.Warning = lipgloss.NewStyle().Bold(true).Foreground(s.Warn)
	s.Good = lipgloss.NewStyle().Foreground(s.OK)
	return s
}

// formTheme is huh's Charm theme; huh picks its light or dark variant from
// the background colour message the model forwards. Both variants are built
// once: huh asks its theme for the styles on every render of every field,
// and building the Charm theme is most of the cost of a frame.
func formTheme() huh.Theme {
	return cachedTheme{dark: huh.ThemeCharm(true), light: huh.ThemeCharm(false)}
}

type cachedTheme struct{ dark, light *huh.Styles }

// Theme returns the variant for the background; the styles are only read.
func (c cachedTheme) Theme(isDark bool) *huh.Styles {
	if isDark {
		return c.dark
	}
	return c.light
}
