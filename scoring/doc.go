// Package scoring ranks requests by the revenue at stake behind them, with the working shown, and
// suggests which request a new voice belongs to (Japanese and English text similarity).
package scoring
