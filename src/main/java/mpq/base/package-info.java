/** What every other package may use: the user-input error type. JDK only. */
package mpq.base;
