import { Component, type ErrorInfo, type ReactNode } from 'react';

interface State {
  error: Error | null;
}

/** A rendering bug shows as a message with a way back, never as a blank window. */
export class ErrorBoundary extends Component<{ children: ReactNode; where: string }, State> {
  override state: State = { error: null };

  static getDerivedStateFromError(error: Error): State {
    return { error };
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    console.error(`Slipway: the ${this.props.where} failed to render`, error, info.componentStack);
  }

  override render(): ReactNode {
    if (!this.state.error) return this.props.children;
    return (
      <div className="error-box boundary" role="alert">
        <div className="error-title">The {this.props.where} hit a bug and stopped drawing</div>
        <div className="error-message">{this.state.error.message}</div>
        <button type="button" onClick={() => this.setState({ error: null })}>
          Try again
        </button>
      </div>
    );
  }
}
