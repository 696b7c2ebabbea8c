export default function Backups() {
  return <h1>Backups</h1>;
}
