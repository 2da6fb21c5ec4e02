// Package feedback holds Koe's domain: accounts and their revenue, the voices customers send
// (Item, one row of the feedback sheet), the requests voices are linked to, users and roles, and
// the error codes every layer shares. It imports nothing but the standard library.
package feedback
