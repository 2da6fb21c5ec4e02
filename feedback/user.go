package feedback

import "time"

// Role is what a staff member may do.
type Role string

const (
	RoleAdmin  Role = "admin"  // users, weights, sources
	RoleCS     Role = "cs"     // triage
	RolePO     Role = "po"     // status, public wording
	RoleViewer Role = "viewer" // read
)

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return r == RoleAdmin || r == RoleCS || r == RolePO || r == RoleViewer }

// User is a staff member.
type User struct {
	ID         int64      `json:"id"`
	Email      string     `json:"email"`
	Name       string     `json:"name"`
	Role       Role       `json:"role"`
	Locale     string     `json:"locale"`
	CreatedAt  time.Time  `json:"created_at"`
	LastSeenAt *time.Time `json:"last_seen_at,omitempty"`
}

// Dataset is a whole set of Koe data, with ids that link its parts: demo data, exports, imports.
type Dataset struct {
	Accounts []Account
	Contacts []Contact
	Users    []User
	Requests []Request
	Items    []Item
}
