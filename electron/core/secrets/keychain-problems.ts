/**
 * On Linux the keychain is the Secret Service, reached over the D-Bus session bus. libsecret's own
 * errors ("Cannot autolaunch D-Bus without X11 $DISPLAY", "Object does not exist at path ...")
 * tell a user neither what is missing nor what to do; these say both. macOS and Windows keep
 * their own messages.
 */
const PROBLEMS: readonly { pattern: RegExp; explanation: string }[] = [
  {
    pattern: /autolaunch D-Bus|DBUS_SESSION_BUS_ADDRESS|Could not connect|Failed to connect to socket|dbus-launch/i,
    explanation:
      'this computer has no D-Bus session, which the keychain (Secret Service) is reached through. ' +
      'Sign in from a desktop session, or start one with an unlocked gnome-keyring: ' +
      '`dbus-run-session -- sh -c \'gnome-keyring-daemon --unlock --components=secrets; <command>\'` ' +
      '(`npm run start:browser` does this itself where no session exists)',
  },
  {
    pattern: /org\.freedesktop\.secrets was not provided|ServiceUnknown|not provided by any \.service files/i,
    explanation:
      'No keychain service (Secret Service) runs in this D-Bus session. Install and start one, ' +
      'such as gnome-keyring (`sudo apt install gnome-keyring`) or KWallet',
  },
  {
    pattern: /collection\/login|locked collection|is locked|prompt/i,
    explanation:
      'the keychain is locked or has no default keyring, and it cannot ask for its password here ' +
      '(no display). Unlock it, for example with `gnome-keyring-daemon --unlock --components=secrets` ' +
      '(reads the password on standard input), or sign in from a desktop session',
  },
];

/** A plain explanation of a keychain failure, or null when it is not a known one. */
export function keychainProblem(error: unknown, platform: NodeJS.Platform = process.platform): string | null {
  if (platform !== 'linux' || !(error instanceof Error)) return null;
  return PROBLEMS.find((problem) => problem.pattern.test(error.message))?.explanation ?? null;
}

/** The error to throw for a keychain failure: explained when it is a known one. */
export function explainKeychainError(error: unknown): unknown {
  const explanation = keychainProblem(error);
  return explanation === null ? error : new Error(explanation, { cause: error });
}
