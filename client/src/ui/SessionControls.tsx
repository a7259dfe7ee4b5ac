// The right end of a workspace's top bar: theme, language, who is signed in, change password, log out. The console adds its own
// controls (connection, sound, digest) around the same pieces.
import type { UserView } from "../../../shared/api";
import { ChangePasswordButton } from "../features/auth/ChangePasswordButton";
import { LanguageSelector } from "./LanguageSelector";
import { LogoutButton } from "./LogoutButton";
import { ThemeToggle } from "./ThemeToggle";

export function SessionControls({ user }: { user: UserView }) {
  return (
    <>
      <ThemeToggle layout="console" />
      <LanguageSelector />
      <span className="user">{user.displayName ?? user.username}</span>
      <ChangePasswordButton />
      <LogoutButton />
    </>
  );
}
