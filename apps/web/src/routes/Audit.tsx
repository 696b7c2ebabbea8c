export default function Audit() {
  return <h1>Audit log</h1>;
}
